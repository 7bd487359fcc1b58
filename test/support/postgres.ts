import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chown, mkdtemp, open, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A PostgreSQL server of its own: a temp data folder, loopback only, a free port. */
export interface RunningPostgres {
  /** `postgres://pulumi@127.0.0.1:<port>/pulumi?sslmode=disable`: Pulumi's DIY backend URL. */
  url: string;
  port: number;
  database: string;
  /** Runs SQL with `psql` and returns its unaligned, tuples-only output (`|` between columns). */
  query(sql: string): Promise<string>;
  /** Fast shutdown, then the data folder is removed. */
  stop(): Promise<void>;
}

const USER = "pulumi";
const DATABASE = "pulumi";

/**
 * The server binaries of Debian's `postgresql` package (`/usr/lib/postgresql/<major>/bin`, the
 * newest major), else those `pg_config --bindir` names. Debian keeps initdb and postgres off
 * PATH, so PATH alone is not enough.
 */
async function binDir(): Promise<string> {
  const has = (dir: string) => ["initdb", "postgres", "psql"].every((b) => existsSync(join(dir, b)));
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) if (has(join(root, major, "bin"))) return join(root, major, "bin");
  }
  try {
    const { stdout } = await run("pg_config", ["--bindir"]);
    if (has(stdout.trim())) return stdout.trim();
  } catch {
    // not installed
  }
  throw new Error(
    "PostgreSQL server binaries not found (initdb, postgres, psql): install Debian's `postgresql` package (`bash .ci/run` does)",
  );
}

/**
 * The account the server runs as. initdb and postgres refuse to run as root, so as root they
 * run as the `postgres` user Debian's package creates; otherwise as the current user.
 */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(
      "running as root, and no `postgres` user to run PostgreSQL as (Debian's package creates it)",
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/**
 * Starts a PostgreSQL server for one test file: `initdb` in a temp folder (trust authentication,
 * superuser `pulumi`), `postgres` listening on 127.0.0.1 only at a free port, and a database
 * `pulumi`. Nothing is assumed to be running, and nothing outside the temp folder is touched.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = await binDir();
  const account = serverAccount();
  const root = await mkdtemp(join(tmpdir(), "pgr-postgres-"));
  if (account) await chown(root, account.uid, account.gid);
  const data = join(root, "data");
  const logFile = join(root, "server.log");
  const asServer = { ...(account ?? {}), cwd: root, env: { PATH: process.env.PATH ?? "", LC_ALL: "C" } };

  await run(
    join(bin, "initdb"),
    ["-D", data, "-U", USER, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"],
    asServer,
  );
  const port = await freePort();
  const log = await open(logFile, "w");
  if (account) await chown(logFile, account.uid, account.gid);
  const server: ChildProcess = spawn(
    join(bin, "postgres"),
    // The socket goes in the temp folder (the default, /var/run/postgresql, may not exist).
    // fsync off: this server's data is thrown away after the test.
    ["-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", root, "-c", "fsync=off"],
    { ...asServer, stdio: ["ignore", log.fd, log.fd] },
  );
  let exited = false;
  // If the test process ends without stop(), the server must not outlive it.
  const killOnExit = () => server.kill("SIGKILL");
  process.once("exit", killOnExit);
  server.once("exit", () => {
    exited = true;
    process.off("exit", killOnExit);
  });

  const psql = async (database: string, sql: string) =>
    (
      await run(
        join(bin, "psql"),
        [
          "-h",
          "127.0.0.1",
          "-p",
          String(port),
          "-U",
          USER,
          "-d",
          database,
          "-At",
          "-v",
          "ON_ERROR_STOP=1",
          "-c",
          sql,
        ],
        { maxBuffer: 256 * 1024 * 1024, env: { PATH: process.env.PATH ?? "", PGCONNECT_TIMEOUT: "5" } },
      )
    ).stdout;

  const stop = async () => {
    if (!exited) {
      const gone = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGINT"); // fast shutdown
      const timer = setTimeout(() => server.kill("SIGKILL"), 10_000);
      await gone;
      clearTimeout(timer);
    }
    await log.close().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      const text = await readFile(logFile, "utf8").catch(() => "");
      await stop();
      throw new Error(`postgres exited at start:\n${text}`);
    }
    try {
      await psql("postgres", "SELECT 1");
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`postgres did not accept connections within 30 s: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await psql("postgres", `CREATE DATABASE ${DATABASE}`);

  return {
    url: `postgres://${USER}@127.0.0.1:${port}/${DATABASE}?sslmode=disable`,
    port,
    database: DATABASE,
    query: (sql) => psql(DATABASE, sql),
    stop,
  };
}
