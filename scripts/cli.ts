import { parseArgs } from 'node:util';
import { z } from 'zod';
import { closeDb } from '@/db/client';
import { createApiKey } from '@/server/auth/api-keys';
import type { RequestMeta } from '@/server/auth/actor';
import { createApiKeySchema, createUserSchema } from '@/server/auth/schemas';
import { createUser } from '@/server/auth/users';
import { getEnvOrExit } from '@/server/env';
import { DomainError } from '@/server/errors';

const usage = `NeuroWeaver operator CLI
  npm run cli -- create-api-key --name NAME --role ROLE      prints the key as the last line
  npm run cli -- create-user --email E --role R --password P [--name N]
Roles: admin, ml_engineer, product_manager, viewer`;

const meta: RequestMeta = { actor: { type: 'system', id: null, label: `cli (${process.env.USER ?? 'operator'})`, role: 'admin' }, requestId: `cli-${Date.now()}` };

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    fail(`--${issue.path.join('.')}: ${issue.message}`);
  }
  return result.data;
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, role: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } },
    strict: true,
  });
  getEnvOrExit();
  switch (command) {
    case 'create-api-key': {
      const input = parse(createApiKeySchema, values);
      const { key, apiKey } = await createApiKey(meta, input);
      console.log(`created API key ${apiKey.prefix} "${apiKey.name}" with role ${apiKey.role}; it is shown once:`);
      console.log(key);
      break;
    }
    case 'create-user': {
      const input = parse(createUserSchema, values);
      const user = await createUser(meta, input);
      console.log(`created user ${user.email} with role ${user.role}`);
      break;
    }
    default:
      fail(command ? `unknown command "${command}"\n${usage}` : usage);
  }
}

main()
  .catch((error: Error) => {
    if (error instanceof DomainError) fail(error.message);
    if (error.name === 'TypeError' && /Unknown option|requires an argument/.test(error.message)) fail(`${error.message}\n${usage}`);
    console.error(`cli failed: ${error.message}`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
