/**
 * The Beluga tokens the fake accepts, one line each, for the banners of `npm run demo` and
 * `npm run fakes`: a token per Antenna project role (ami/users/roles.py), the superuser and the
 * outsider.
 */
import { ROLE_DISPLAY_NAMES, ROLE_NAMES, type RoleName } from './beluga/roles.ts';
import {
  type Dataset,
  FAKE_OUTSIDER_TOKEN,
  FAKE_ROLE_PROJECT,
  FAKE_ROLE_TOKENS,
  FAKE_SUPERUSER_TOKEN,
} from './dataset.ts';

/** What each role may do in the fake, as Antenna's roles grant it. */
const ROLE_NOTES: Record<RoleName, string> = {
  ProjectManager: 'every write',
  MLDataManager: 'capture sets, jobs',
  Researcher: 'creates jobs (and data exports)',
  Identifier: 'creates jobs (and identifications)',
  BasicMember: 'creates jobs',
};

export function belugaTokenLines(dataset: Dataset): string[] {
  const projects = [...dataset.ids.draftProjects, FAKE_ROLE_PROJECT].join(', ');
  const line = (label: string, token: string, note: string) =>
    `  ${label.padEnd(16)} Authorization: Token ${token}   (${note})`;
  return [
    `Beluga tokens, one per project role (in projects ${projects}; drafts show to members only):`,
    ...[...ROLE_NAMES]
      .reverse()
      .map((role) => line(ROLE_DISPLAY_NAMES[role], FAKE_ROLE_TOKENS[role], ROLE_NOTES[role])),
    line('Superuser', FAKE_SUPERUSER_TOKEN, 'everything, everywhere'),
    line('Outsider', FAKE_OUTSIDER_TOKEN, 'no project: reads public ones'),
  ];
}
