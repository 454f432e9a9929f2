// Global options given before the command; commands merge them with their own --root/--runroot flags.
export const globalOptions: Record<string, string | undefined> = {};
