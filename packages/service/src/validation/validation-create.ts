/**
 * Starting a validation, as the API and the CLI do it: check and resolve the input (no Defender call; bad
 * input throws `ValidationInputError` and nothing is stored), store it polling, audit `validation.created`.
 */
import type { AuditEntryInput } from '../audit/audit-entry.js';
import { appendAudit } from '../audit/audit-log.js';
import type { DeviceGroups } from '../hosts/device-scope.js';
import type { Store } from '../store/store.js';
import { resolveValidation, type ValidationField, type ValidationInput } from './validation-input.js';
import { createValidation, type Validation } from './validations.js';

export async function startValidation(
  store: Store,
  input: ValidationInput,
  options: {
    now: Date;
    groups: DeviceGroups;
    field: (key: ValidationField) => string;
    by: Pick<AuditEntryInput, 'actorKind' | 'actor' | 'ip'>;
  },
): Promise<Validation> {
  const resolved = await resolveValidation(store.db, store.caps, input, options);
  return store.db.transaction().execute(async (trx) => {
    const validation = await createValidation(trx, resolved, options.by.actor, options.now);
    await appendAudit(
      trx,
      {
        ...options.by,
        action: 'validation.created',
        target: `${validation.tenantId}/${validation.machineId}`,
        detail: {
          id: validation.id,
          host: validation.host,
          start: validation.start,
          end: validation.end,
          graceSeconds: validation.graceSeconds,
          expectedTechniques: validation.expectedTechniques,
        },
      },
      options.now,
    );
    return validation;
  });
}
