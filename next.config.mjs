/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets parallel builds (tests, several checkouts) keep their output apart.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // PGlite loads its WebAssembly and data files from its own package folder at run time.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm test` typechecks the whole project as its own step; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
