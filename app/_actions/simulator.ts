'use server';

import { adminAction } from '@/app/_lib/action';
import { simulatePermission } from '@/lib/iam/simulator';
import { simulateSchema } from '@/lib/validations/iam';

export const simulateAction = adminAction(simulateSchema, (input, { actor, db }) => simulatePermission(db, actor, input));
