/** The centred card of the pages people see before they are signed in. */
export function AuthCard({ title, intro, children, wide = false }: { title: string; intro?: React.ReactNode; children: React.ReactNode; wide?: boolean }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-8">
      <div className={`w-full ${wide ? 'max-w-md' : 'max-w-sm'} rounded-lg border border-slate-200 bg-white p-6 shadow-sm sm:p-8`}>
        <h1 className="mb-1 text-xl font-semibold">{title}</h1>
        {intro ? <div className="mb-6 text-sm text-slate-600">{intro}</div> : <div className="mb-6" />}
        {children}
      </div>
    </main>
  );
}
