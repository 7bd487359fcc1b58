import type { EngineLog } from "../provider/resource/engine-log";
import { PACKAGE } from "./schema";

/**
 * `text` in the plugin's words: the implementation names its settings as the dynamic resources'
 * stack config does (`gitlab:token`); a plugin user sets `gitlab-runners:token`.
 */
export function inPluginTerms(text: string): string {
  return text.replace(/(?<![\w-])gitlab:(?=[a-zA-Z])/g, `${PACKAGE}:`);
}

/** `log` with every line in the plugin's words. */
export function logInPluginTerms(log: EngineLog): EngineLog {
  return {
    ...log,
    debug: (message) => log.debug(inPluginTerms(message)),
    info: (message) => log.info(inPluginTerms(message)),
    warn: (message) => log.warn(inPluginTerms(message)),
  };
}
