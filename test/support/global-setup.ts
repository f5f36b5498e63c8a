// Filled in by the wiki harness: builds the template wiki once per test run.
export default async function setup(): Promise<void> {}
