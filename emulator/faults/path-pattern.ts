/**
 * Fault-rule path patterns: JavaScript RegExp syntax without the parts that need backtracking
 * (backreferences, lookaround, word boundaries, flags), compiled to a Thompson NFA and matched
 * by simulating every state at once. A match costs O(path length × pattern states) whatever
 * the pattern, so a rule such as `^/api/v4/(a+)+$` cannot stall the event loop the way a
 * backtracking RegExp does on a long path of `a`s followed by a `b`.
 *
 * `test(path)` answers what `new RegExp(source).test(path)` answers for the same source: an
 * unanchored search, `^` and `$` anchored at the ends of the path, `.` any character but a line
 * terminator, case-sensitive, UTF-16 code units.
 */

/** Longest pattern source accepted. */
export const MAX_PATTERN_LENGTH = 256;
/** Largest NFA a pattern may compile to (counted repetitions multiply states). */
export const MAX_PATTERN_STATES = 2_000;
/** Largest bound of a counted repetition such as `a{2,5}`. */
export const MAX_REPEAT = 100;

export class PathPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathPatternError";
  }
}

export interface PathPattern {
  readonly source: string;
  test(path: string): boolean;
}

// ---- syntax tree -------------------------------------------------------------------------

type CharTest = (code: number) => boolean;

type Node =
  | { kind: "empty" }
  | { kind: "char"; test: CharTest }
  | { kind: "begin" }
  | { kind: "end" }
  | { kind: "seq"; items: Node[] }
  | { kind: "alt"; options: Node[] }
  | { kind: "repeat"; node: Node; min: number; max: number };

const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isWord: CharTest = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const SPACES = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);
const isSpace: CharTest = (c) => SPACES.has(c) || (c >= 0x2000 && c <= 0x200a);
const isLineTerminator = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
const not =
  (t: CharTest): CharTest =>
  (c) =>
    !t(c);

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.src.length) this.fail(`unexpected "${this.src[this.pos]}"`);
    return node;
  }

  private fail(message: string): never {
    throw new PathPatternError(`${message} at position ${this.pos}`);
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === "|") {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as Node) : { kind: "alt", options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    for (let c = this.peek(); c !== undefined && c !== "|" && c !== ")"; c = this.peek()) {
      items.push(this.quantified());
    }
    if (items.length === 0) return { kind: "empty" };
    return items.length === 1 ? (items[0] as Node) : { kind: "seq", items };
  }

  private quantified(): Node {
    const atom = this.atom();
    const bounds = this.quantifier();
    if (bounds === null) return atom;
    if (atom.kind === "begin" || atom.kind === "end") this.fail("nothing to repeat");
    if (this.peek() === "?") this.pos++; // lazy: the same set of matches
    if (this.peek() === "*" || this.peek() === "+" || this.peek() === "?") this.fail("nothing to repeat");
    return { kind: "repeat", node: atom, min: bounds.min, max: bounds.max };
  }

  private quantifier(): { min: number; max: number } | null {
    const c = this.peek();
    if (c === "*") {
      this.pos++;
      return { min: 0, max: Number.POSITIVE_INFINITY };
    }
    if (c === "+") {
      this.pos++;
      return { min: 1, max: Number.POSITIVE_INFINITY };
    }
    if (c === "?") {
      this.pos++;
      return { min: 0, max: 1 };
    }
    if (c === "{") {
      // `{n}`, `{n,}`, `{n,m}`; anything else is a literal "{" (as in RegExp without the u flag).
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (match === null) return null;
      const min = Number(match[1]);
      let max = min;
      if (match[2] !== undefined) max = match[3] === "" ? Number.POSITIVE_INFINITY : Number(match[3]);
      if (max < min) this.fail("numbers out of order in {} quantifier");
      if (min > MAX_REPEAT || (Number.isFinite(max) && max > MAX_REPEAT))
        this.fail(`a counted repetition may not exceed ${MAX_REPEAT}`);
      this.pos += match[0].length;
      return { min, max };
    }
    return null;
  }

  private atom(): Node {
    const c = this.peek() as string;
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return this.charClass();
      case ".":
        this.pos++;
        return { kind: "char", test: not(isLineTerminator) };
      case "^":
        this.pos++;
        return { kind: "begin" };
      case "$":
        this.pos++;
        return { kind: "end" };
      case "\\":
        return { kind: "char", test: this.escape(false) };
      case "*":
      case "+":
      case "?":
        return this.fail("nothing to repeat");
      default: {
        if (c === "{" && this.quantifierAhead()) this.fail("nothing to repeat");
        this.pos++;
        const code = c.charCodeAt(0);
        return { kind: "char", test: (x) => x === code };
      }
    }
  }

  private quantifierAhead(): boolean {
    return /^\{\d+(,\d*)?\}/.test(this.src.slice(this.pos));
  }

  private group(): Node {
    this.pos++; // (
    if (this.peek() === "?") {
      const rest = this.src.slice(this.pos);
      if (rest.startsWith("?:")) this.pos += 2;
      else if (/^\?<[A-Za-z_$][\w$]*>/.test(rest)) this.pos = this.src.indexOf(">", this.pos) + 1;
      else this.fail("lookaround is not supported in fault path patterns");
    }
    const inner = this.alternation();
    if (this.peek() !== ")") this.fail("unterminated group");
    this.pos++;
    return inner;
  }

  private charClass(): Node {
    this.pos++; // [
    let negate = false;
    if (this.peek() === "^") {
      negate = true;
      this.pos++;
    }
    const tests: CharTest[] = [];
    // "[]" is an empty class, as in RegExp: the first "]" always closes.
    while (this.peek() !== "]") {
      if (this.peek() === undefined) this.fail("unterminated character class");
      const low = this.classAtom();
      if (this.peek() === "-" && this.src[this.pos + 1] !== "]" && this.src[this.pos + 1] !== undefined) {
        this.pos++;
        const high = this.classAtom();
        if (typeof low !== "number" || typeof high !== "number")
          this.fail("a class escape cannot bound a range");
        if (high < low) this.fail("range out of order in character class");
        tests.push((x) => x >= low && x <= high);
      } else {
        tests.push(typeof low === "number" ? (x) => x === low : low);
      }
    }
    this.pos++; // ]
    const inClass: CharTest = (x) => tests.some((t) => t(x));
    return { kind: "char", test: negate ? not(inClass) : inClass };
  }

  /** One class member: a code unit, or a class escape (\d, \w, \s and their negations). */
  private classAtom(): number | CharTest {
    const c = this.peek() as string;
    if (c !== "\\") {
      this.pos++;
      return c.charCodeAt(0);
    }
    const next = this.src[this.pos + 1];
    if (next === "b") {
      this.pos += 2;
      return 0x08; // backspace inside a class
    }
    if (next === "-") {
      this.pos += 2;
      return 0x2d;
    }
    return this.escape(true);
  }

  /** An escape outside or inside a class; returns its test (a single code unit becomes one). */
  private escape(inClass: boolean): CharTest {
    this.pos++; // backslash
    const c = this.peek();
    if (c === undefined) this.fail("\\ at end of pattern");
    this.pos++;
    const unit =
      (code: number): CharTest =>
      (x) =>
        x === code;
    switch (c) {
      case "d":
        return isDigit;
      case "D":
        return not(isDigit);
      case "w":
        return isWord;
      case "W":
        return not(isWord);
      case "s":
        return isSpace;
      case "S":
        return not(isSpace);
      case "n":
        return unit(0x0a);
      case "r":
        return unit(0x0d);
      case "t":
        return unit(0x09);
      case "v":
        return unit(0x0b);
      case "f":
        return unit(0x0c);
      case "0":
        if (isDigit(this.src.charCodeAt(this.pos))) this.fail("octal escapes are not supported");
        return unit(0);
      case "x":
      case "u": {
        const width = c === "x" ? 2 : 4;
        const hex = this.src.slice(this.pos, this.pos + width);
        if (!new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(hex)) this.fail(`invalid \\${c} escape`);
        this.pos += width;
        return unit(Number.parseInt(hex, 16));
      }
      case "b":
      case "B":
        return this.fail("word boundaries are not supported in fault path patterns");
      case "k":
      case "p":
      case "P":
      case "c":
        return this.fail(`\\${c} is not supported in fault path patterns`);
      default:
        if (/[1-9]/.test(c)) this.fail("backreferences are not supported in fault path patterns");
        if (/[A-Za-z]/.test(c) && !inClass) this.fail(`unknown escape \\${c}`);
        return unit(c.charCodeAt(0));
    }
  }
}

// ---- NFA ---------------------------------------------------------------------------------

const CHAR = 0;
const SPLIT = 1;
const BEGIN = 2;
const END = 3;
const MATCH = 4;

interface State {
  type: number;
  test?: CharTest;
  out: number;
  out2: number;
}

class Builder {
  readonly states: State[] = [];

  add(state: State): number {
    if (this.states.length >= MAX_PATTERN_STATES)
      throw new PathPatternError(`pattern is too large (more than ${MAX_PATTERN_STATES} states)`);
    this.states.push(state);
    return this.states.length - 1;
  }

  /**
   * Compiles `node` so that it continues to state `next`; returns its entry state. Built back
   * to front, so every state's successors exist when it is created.
   */
  compile(node: Node, next: number): number {
    switch (node.kind) {
      case "empty":
        return next;
      case "char":
        return this.add({ type: CHAR, test: node.test, out: next, out2: -1 });
      case "begin":
        return this.add({ type: BEGIN, out: next, out2: -1 });
      case "end":
        return this.add({ type: END, out: next, out2: -1 });
      case "seq": {
        let entry = next;
        for (let i = node.items.length - 1; i >= 0; i--) entry = this.compile(node.items[i] as Node, entry);
        return entry;
      }
      case "alt": {
        const entries = node.options.map((option) => this.compile(option, next));
        let entry = entries[entries.length - 1] as number;
        for (let i = entries.length - 2; i >= 0; i--)
          entry = this.add({ type: SPLIT, out: entries[i] as number, out2: entry });
        return entry;
      }
      case "repeat": {
        let entry = next;
        if (Number.isFinite(node.max)) {
          // Optional copies (max - min), each may skip straight to what follows.
          for (let i = 0; i < node.max - node.min; i++) {
            const body = this.compile(node.node, entry);
            entry = this.add({ type: SPLIT, out: body, out2: next });
          }
        } else {
          // x*: a split that loops through x back to itself.
          const loop = this.add({ type: SPLIT, out: -1, out2: entry });
          const body = this.compile(node.node, loop);
          (this.states[loop] as State).out = body;
          entry = loop;
        }
        for (let i = 0; i < node.min; i++) entry = this.compile(node.node, entry);
        return entry;
      }
    }
  }
}

/** Compiles a fault path pattern; throws PathPatternError when it is not accepted. */
export function compilePathPattern(source: string): PathPattern {
  if (source.length > MAX_PATTERN_LENGTH)
    throw new PathPatternError(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const tree = new Parser(source).parse();
  const builder = new Builder();
  const match = builder.add({ type: MATCH, out: -1, out2: -1 });
  const start = builder.compile(tree, match);
  const states = builder.states;
  return { source, test: (path) => run(states, start, path) };
}

/** Thompson simulation: all reachable states advance together, one input unit at a time. */
function run(states: State[], start: number, input: string): boolean {
  const n = states.length;
  let current: number[] = [];
  let next: number[] = [];
  const mark = new Int32Array(n).fill(-1);
  let generation = 0;
  const stack: number[] = [];

  // Adds `state` and everything reachable from it without consuming input; true on a match.
  const addClosure = (list: number[], state: number, pos: number): boolean => {
    stack.push(state);
    while (stack.length > 0) {
      const s = stack.pop() as number;
      if (s < 0 || mark[s] === generation) continue;
      mark[s] = generation;
      const st = states[s] as State;
      switch (st.type) {
        case MATCH:
          stack.length = 0;
          return true;
        case SPLIT:
          stack.push(st.out2, st.out);
          break;
        case BEGIN:
          if (pos === 0) stack.push(st.out);
          break;
        case END:
          if (pos === input.length) stack.push(st.out);
          break;
        default:
          list.push(s);
      }
    }
    return false;
  };

  for (let pos = 0; ; pos++) {
    // An unanchored search: a new attempt starts at every position.
    if (addClosure(current, start, pos)) return true;
    if (pos === input.length) return false;
    const code = input.charCodeAt(pos);
    generation++;
    next.length = 0;
    for (const s of current) {
      const st = states[s] as State;
      if ((st.test as CharTest)(code) && addClosure(next, st.out, pos + 1)) return true;
    }
    [current, next] = [next, current];
  }
}
