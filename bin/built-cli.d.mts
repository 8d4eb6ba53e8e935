// Types of built-cli.mjs, which stays plain JavaScript: it runs before any TypeScript loader is registered.
export declare const FROM_SOURCE_ENV: string;
export declare function upToDateBuiltCli(root: string, env?: NodeJS.ProcessEnv): string | null;
