/** Opens, migrates and seeds the database when the server starts, before the first request. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getDatabase } = await import('@/lib/db');
  try {
    const database = await getDatabase();
    console.log(`[db] ready (${database.kind})`);
  } catch (error) {
    // The server still starts; requests retry the connection and fail with a clear message meanwhile.
    console.error(`[db] not ready: ${error instanceof Error ? error.message : String(error)}`);
  }
}
