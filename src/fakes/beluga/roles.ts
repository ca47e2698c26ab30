/**
 * Antenna's project roles and what they grant, ported from its source (RolnickLab/antenna):
 * the role classes of `ami/users/roles.py` (each a set of permission codenames on one project;
 * every role holder is also a BasicMember) and the permission names of `ami/main/models.py`
 * (`Project.Permissions` and `Project.Meta.permissions`). A superuser holds every permission of
 * the project's content type, Django's default `add/change/delete/view_project` included.
 */

export type RoleName =
  | 'BasicMember'
  | 'Researcher'
  | 'Identifier'
  | 'MLDataManager'
  | 'ProjectManager';

export const ROLE_NAMES: readonly RoleName[] = [
  'BasicMember',
  'Researcher',
  'Identifier',
  'MLDataManager',
  'ProjectManager',
];

/** `Role.display_name` of each role. */
export const ROLE_DISPLAY_NAMES: Record<RoleName, string> = {
  BasicMember: 'Basic member',
  Researcher: 'Researcher',
  Identifier: 'Identifier',
  MLDataManager: 'ML data manager',
  ProjectManager: 'Project manager',
};

const crud = (model: string, actions = ['create', 'update', 'delete']) =>
  actions.map((action) => `${action}_${model}`);

const BASIC_MEMBER = [
  'view_project',
  'view_private_data',
  'star_sourceimage',
  'create_job',
  'run_single_image_ml_job',
  'view_userprojectmembership',
];

const RESEARCHER = [...BASIC_MEMBER, 'create_dataexport', 'delete_dataexport'];

const IDENTIFIER = [...BASIC_MEMBER, ...crud('identification')];

const ML_DATA_MANAGER = [
  ...BASIC_MEMBER,
  'update_job',
  'run_ml_job',
  'run_populate_captures_collection_job',
  'run_data_storage_sync_job',
  'sync_deployment',
  'run_regroup_events_job',
  'run_data_export_job',
  'delete_occurrences',
  ...crud('projectpipelineconfig'),
  ...crud('sourceimagecollection'),
  'populate_sourceimagecollection',
];

const PROJECT_MANAGER = [
  ...RESEARCHER,
  ...IDENTIFIER,
  ...ML_DATA_MANAGER,
  'update_project',
  'delete_project',
  'import_data',
  ...crud('s3storagesource'),
  'test_s3storagesource',
  ...crud('deployment'),
  'regroup_sessions_deployment',
  ...crud('site'),
  ...crud('device'),
  ...crud('sourceimage'),
  ...crud('sourceimageupload'),
  ...crud('userprojectmembership'),
  ...crud('taxalist'),
];

export const ROLE_PERMISSIONS: Record<RoleName, ReadonlySet<string>> = {
  BasicMember: new Set(BASIC_MEMBER),
  Researcher: new Set(RESEARCHER),
  Identifier: new Set(IDENTIFIER),
  MLDataManager: new Set(ML_DATA_MANAGER),
  ProjectManager: new Set(PROJECT_MANAGER),
};

/** What a superuser holds on any project: no role grants these last ones. */
export const ALL_PERMISSIONS: ReadonlySet<string> = new Set([
  ...PROJECT_MANAGER,
  ...crud('project', ['add', 'change', 'delete', 'view']),
  'update_dataexport',
  'run_post_processing_job',
  'delete_job',
]);

/** Job types (`ami/jobs/models.py` VALID_JOB_TYPES keys, but `unknown`). */
export const JOB_TYPE_KEYS = [
  'ml',
  'populate_captures_collection',
  'data_storage_sync',
  'regroup_events',
  'data_export',
  'post_processing',
] as const;
