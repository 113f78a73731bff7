/**
 * Opens, migrates and seeds the database when the server starts, before the first request (and,
 * on a database without any user, prints the setup code), starts the token lifecycle job, and registers the platform API handler
 * with the HTTP server (lib/platform/registration.mjs).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { offerPlatformApi } = await import('@/lib/platform/process');
  offerPlatformApi();
  const { getDatabase } = await import('@/lib/db');
  try {
    const database = await getDatabase();
    console.log(`[db] ready (${database.kind})`);
    const { announceSetupCode } = await import('@/lib/people/setup-announce');
    await announceSetupCode(database.db);
    const { startLifecycleInProcess } = await import('@/lib/tokens/lifecycle-process');
    startLifecycleInProcess();
  } catch (error) {
    // The server still starts; requests retry the connection and fail with a clear message meanwhile.
    console.error(`[db] not ready: ${error instanceof Error ? error.message : String(error)}`);
  }
}
