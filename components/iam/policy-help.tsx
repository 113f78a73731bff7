import { conditionHints, PERMISSIONS } from '@/lib/iam/permissions';
import { SERVICES } from '@/lib/platform/catalogue';

const EXAMPLE = `// A comment runs to the end of the line.
ALLOW storage:logs:read, storage:buckets:read;
ALLOW iam:service-users:use
  WHERE iam:service-user-email IN ("ci-bot@service.example.com");
DENY document:documents:delete
  WHERE document:document-type = "dashboard";`;

/** The policy language at a glance: syntax, every permission, and the conditions each supports. */
export function PolicyHelp() {
  const hints = conditionHints();
  return (
    <aside aria-labelledby="policy-help-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h2 id="policy-help-heading" className="text-base font-semibold">
        Policy language
      </h2>
      <div className="space-y-2">
        <p className="text-slate-700">
          <code>ALLOW|DENY permission[, permission…] [WHERE condition [AND condition…]];</code> — one statement per{' '}
          <code>;</code>, at most 100. Any matching DENY wins over every ALLOW; nothing matching means no permission.
        </p>
        <pre className="overflow-x-auto rounded bg-slate-50 p-2 text-xs leading-5 text-slate-800">{EXAMPLE}</pre>
      </div>

      <details open>
        <summary className="cursor-pointer font-medium">Conditions</summary>
        <dl className="mt-2 space-y-3">
          {hints.map((hint) => (
            <div key={hint.attribute}>
              <dt>
                <code className="font-semibold">{hint.attribute}</code>
              </dt>
              <dd className="text-slate-700">
                {hint.description}. Operators: {hint.operators.map((o) => <code key={o} className="mr-1">{o}</code>)}
                <br />
                <span className="text-slate-500">For: {hint.permissions.join(', ')}</span>
              </dd>
            </div>
          ))}
        </dl>
      </details>

      <details>
        <summary className="cursor-pointer font-medium">Permissions ({PERMISSIONS.length})</summary>
        <div className="mt-2 space-y-3">
          {SERVICES.map((service) => {
            const permissions = PERMISSIONS.filter((p) => p.service === service.id);
            if (permissions.length === 0) return null;
            return (
              <div key={service.id}>
                <h3 className="font-medium text-slate-800">{service.title}</h3>
                <ul className="mt-1 space-y-1">
                  {permissions.map((p) => (
                    <li key={p.name}>
                      <code>{p.name}</code> <span className="text-slate-600">— {p.description}</span>
                      {p.attributes.length > 0 ? (
                        <span className="text-slate-500"> (conditions: {p.attributes.map((a) => a.name).join(', ')})</span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </div>
      </details>
    </aside>
  );
}
