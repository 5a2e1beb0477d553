/*
 * migrations.c - the schema of the SQLite store, as numbered migrations.
 *
 * store_sqlite.c applies every migration above the database's version, each
 * in its own transaction, and records it in schema_version and in PRAGMA
 * user_version. Append new migrations at the end; never edit one that has
 * shipped.
 */
#include "store_internal.h"

const char *const vt__store_migrations[] = {
    /* 1: advisories, their lookup indexes, KEV and the import log. */
    "CREATE TABLE schema_version ("
    "  version INTEGER PRIMARY KEY,"
    "  applied_at_ms INTEGER NOT NULL"
    ");"
    /* The raw record is kept as its JSON text, exactly as imported: the
     * matcher parses it again, and an export gives back what came in. The
     * integer rid keeps the index tables' rows short. */
    "CREATE TABLE advisories ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  modified_ms INTEGER NOT NULL,"
    "  modified TEXT NOT NULL,"
    "  withdrawn TEXT,"
    "  raw TEXT NOT NULL,"
    "  imported_at_ms INTEGER NOT NULL"
    ");"
    /* One row per (ecosystem without release, normalised name, advisory):
     * the primary key is the lookup index of a scan. Package-less records
     * with GIT ranges are filed under "GIT" and their repository URL, as
     * osv.dev files them. There is deliberately no index by advisory: it
     * would double the cost of every insert in a bulk import, and the rare
     * update finds its old rows from the old record instead. */
    "CREATE TABLE advisory_packages ("
    "  ecosystem_base TEXT NOT NULL,"
    "  name_key TEXT NOT NULL,"
    "  advisory_rid INTEGER NOT NULL REFERENCES advisories(rid),"
    "  PRIMARY KEY (ecosystem_base, name_key, advisory_rid)"
    ") WITHOUT ROWID;"
    "CREATE TABLE aliases ("
    "  alias TEXT NOT NULL,"
    "  advisory_rid INTEGER NOT NULL REFERENCES advisories(rid),"
    "  PRIMARY KEY (alias, advisory_rid)"
    ") WITHOUT ROWID;"
    "CREATE TABLE kev ("
    "  cve TEXT PRIMARY KEY NOT NULL,"
    "  vendor TEXT,"
    "  product TEXT,"
    "  name TEXT,"
    "  date_added TEXT,"
    "  due_date TEXT,"
    "  ransomware TEXT,"
    "  required_action TEXT"
    ");"
    "CREATE TABLE imports ("
    "  id INTEGER PRIMARY KEY,"
    "  source TEXT NOT NULL,"
    "  at_ms INTEGER NOT NULL,"
    "  imported INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL,"
    "  unchanged INTEGER NOT NULL,"
    "  skipped INTEGER NOT NULL"
    ");"
    "CREATE INDEX imports_by_source ON imports(source, id);",

    /* 2: the case service: organisations and accounts, the receipt ledger
     * (hash-chained, signed checkpoints, purge records) and the product
     * inventory with an SBOM per version. Free-form case fields live in `doc` (JSON), so that adding a
     * field is not a migration; what is filtered or joined on is a column. */
    "CREATE TABLE settings ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE orgs ("
    "  id INTEGER PRIMARY KEY,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('vendor', 'operator', 'platform')),"
    "  country TEXT NOT NULL," /* ISO 3166-1 alpha-2, upper case */
    "  time_zone TEXT NOT NULL," /* IANA name, e.g. Asia/Shanghai */
    "  profiles TEXT NOT NULL DEFAULT '[]'," /* JSON array of policy profile ids */
    "  flags TEXT NOT NULL DEFAULT '{}'," /* JSON: eu_manufacturer, us_fceb, filing id, ... */
    "  created_ms INTEGER NOT NULL"
    ");"
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER REFERENCES orgs(id),"
    "  name TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL,"
    "  password_hash TEXT NOT NULL," /* libsodium crypto_pwhash_str: argon2id */
    "  created_ms INTEGER NOT NULL,"
    "  disabled_ms INTEGER"
    ");"
    /* Bearer tokens: machine tokens for partners and console sessions. Only
     * the SHA-256 of a token is kept; the token itself is shown once. */
    "CREATE TABLE tokens ("
    "  id INTEGER PRIMARY KEY,"
    "  hash BLOB NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('machine', 'session')),"
    "  name TEXT NOT NULL,"
    "  role TEXT NOT NULL,"
    "  org_id INTEGER REFERENCES orgs(id),"
    "  user_id INTEGER REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL,"
    "  expires_ms INTEGER,"
    "  revoked_ms INTEGER"
    ");"
    /* The receipt ledger: entry_hash = SHA-256(canonical entry, prev_hash). */
    "CREATE TABLE ledger ("
    "  seq INTEGER PRIMARY KEY,"
    "  at_ms INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  content_sha256 TEXT NOT NULL,"
    "  detail TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  entry_hash TEXT NOT NULL"
    ");"
    "CREATE INDEX ledger_by_time ON ledger(at_ms);"
    "CREATE TABLE ledger_checkpoints ("
    "  seq INTEGER PRIMARY KEY," /* the ledger entry the checkpoint seals */
    "  entry_hash TEXT NOT NULL,"
    "  signed_ms INTEGER NOT NULL,"
    "  public_key TEXT NOT NULL," /* hex Ed25519 public key */
    "  signature TEXT NOT NULL" /* hex Ed25519 signature */
    ");"
    "CREATE TABLE ledger_purges ("
    "  id INTEGER PRIMARY KEY,"
    "  at_ms INTEGER NOT NULL,"
    "  first_seq INTEGER NOT NULL,"
    "  last_seq INTEGER NOT NULL,"
    "  count INTEGER NOT NULL,"
    "  anchor_hash TEXT NOT NULL" /* entry_hash of last_seq, sealed by a checkpoint */
    ");"
    "CREATE TABLE products ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  name TEXT NOT NULL,"
    "  model TEXT NOT NULL DEFAULT '',"
    "  type TEXT NOT NULL CHECK (type IN ('hardware', 'software', 'network_service', 'system')),"
    "  support_status TEXT NOT NULL DEFAULT 'supported',"
    "  created_ms INTEGER NOT NULL,"
    "  UNIQUE (org_id, name, model)"
    ");"
    "CREATE TABLE product_versions ("
    "  product_id INTEGER NOT NULL REFERENCES products(id),"
    "  version TEXT NOT NULL,"
    "  support_status TEXT NOT NULL DEFAULT 'supported',"
    "  sbom_format TEXT,"
    "  sbom TEXT,"
    "  sbom_sha256 TEXT,"
    "  components INTEGER NOT NULL DEFAULT 0,"
    "  imported_ms INTEGER,"
    "  PRIMARY KEY (product_id, version)"
    ") WITHOUT ROWID;",

    /* 3: the case service, continued (one string per migration must stay
     * under the 4095 bytes C guarantees): cases, their history, clock
     * events and obligations, and the reports of the intake channel. */
    "CREATE TABLE cases ("
    "  id INTEGER PRIMARY KEY,"
    "  ref TEXT NOT NULL UNIQUE," /* VT-YYYY-NNNNNN */
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  state TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  scope TEXT NOT NULL DEFAULT 'own_product'"
    "    CHECK (scope IN ('own_product', 'third_party_product', 'operator_system')),"
    "  doc TEXT NOT NULL," /* JSON: the case fields */
    "  duplicate_of INTEGER REFERENCES cases(id),"
    "  created_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL,"
    "  revision INTEGER NOT NULL DEFAULT 1"
    ");"
    "CREATE INDEX cases_by_org_state ON cases(org_id, state);"
    "CREATE TABLE case_transitions ("
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  seq INTEGER NOT NULL,"
    "  from_state TEXT,"
    "  to_state TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  at_ms INTEGER NOT NULL,"
    "  reason TEXT,"
    "  note TEXT,"
    "  ledger_seq INTEGER,"
    "  PRIMARY KEY (case_id, seq)"
    ") WITHOUT ROWID;"
    /* Clock-start events (E_AWARE, E_VERIFIED, ...): set once each. */
    "CREATE TABLE case_events ("
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  event TEXT NOT NULL,"
    "  at_ms INTEGER NOT NULL,"
    "  time_zone TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  evidence TEXT,"
    "  recorded_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (case_id, event)"
    ") WITHOUT ROWID;"
    "CREATE TABLE obligations ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  profile TEXT NOT NULL,"
    "  obligation TEXT NOT NULL,"
    "  start_event TEXT NOT NULL,"
    "  start_ms INTEGER," /* NULL until the start event happens */
    "  due_ms INTEGER,"
    "  legal_latest_ms INTEGER,"
    "  state TEXT NOT NULL"
    "    CHECK (state IN ('open', 'met', 'missed', 'waived', 'not_applicable')),"
    "  met_ms INTEGER,"
    "  evidence TEXT,"
    "  waived_reason TEXT,"
    "  updated_ms INTEGER NOT NULL,"
    "  UNIQUE (case_id, profile, obligation)"
    ");"
    "CREATE INDEX obligations_by_due ON obligations(state, due_ms);"
    /* Reports received through the intake channel. Only the SHA-256 of the
     * reporter's tracking token is kept. */
    "CREATE TABLE reports ("
    "  id TEXT PRIMARY KEY,"
    "  org_id INTEGER REFERENCES orgs(id),"
    "  tracking_hash BLOB NOT NULL UNIQUE,"
    "  received_ms INTEGER NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  client_addr TEXT,"
    "  submitted_by TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL," /* the validated report JSON, attachments by reference */
    "  content_sha256 TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'received',"
    "  case_id INTEGER REFERENCES cases(id),"
    "  ledger_seq INTEGER NOT NULL,"
    "  acknowledged_ms INTEGER"
    ") WITHOUT ROWID;"
    "CREATE INDEX reports_by_case ON reports(case_id);"
    "CREATE TABLE report_messages ("
    "  id INTEGER PRIMARY KEY,"
    "  report_id TEXT NOT NULL REFERENCES reports(id),"
    "  received_ms INTEGER NOT NULL,"
    "  author TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  content_sha256 TEXT NOT NULL,"
    "  ledger_seq INTEGER NOT NULL"
    ");"
    "CREATE INDEX report_messages_by_report ON report_messages(report_id, id);"
    "CREATE TABLE attachments ("
    "  id INTEGER PRIMARY KEY,"
    "  report_id TEXT NOT NULL REFERENCES reports(id),"
    "  message_id INTEGER REFERENCES report_messages(id),"
    "  filename TEXT NOT NULL,"
    "  media_type TEXT NOT NULL,"
    "  classification TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  content BLOB NOT NULL"
    ");"
    "CREATE INDEX attachments_by_report ON attachments(report_id);",

    /* 4: compliance outputs, first part: who is told (contacts per
     * organisation and product), the outbox a worker delivers from (written
     * in the same transaction as the change that causes a message), the
     * authority-report submissions, and the records the disclosure gate
     * reads (approvals, consents, attestations, blackout windows). */
    "CREATE TABLE contacts ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  product_id INTEGER REFERENCES products(id)," /* NULL: every product */
    "  versions TEXT," /* JSON array of product versions; NULL: all */
    "  role TEXT NOT NULL CHECK (role IN ('upstream', 'downstream_vendor', 'user',"
    "    'customer', 'authority', 'csirt')),"
    "  name TEXT NOT NULL,"
    "  country TEXT NOT NULL," /* ISO 3166-1 alpha-2: rule P7 decides by it */
    "  is_product_provider INTEGER NOT NULL DEFAULT 0," /* P7's one exception */
    "  channel TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),"
    "  address TEXT NOT NULL," /* URL or e-mail address */
    "  secret TEXT," /* webhook signing key */
    "  created_ms INTEGER NOT NULL,"
    "  disabled_ms INTEGER"
    ");"
    "CREATE INDEX contacts_by_org ON contacts(org_id, role);"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  message_id TEXT NOT NULL UNIQUE," /* what receivers de-duplicate on */
    "  case_id INTEGER REFERENCES cases(id),"
    "  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
    "  kind TEXT NOT NULL,"
    "  obligation TEXT," /* the obligation a delivery meets, e.g. CN-UPSTREAM */
    "  subject TEXT NOT NULL,"
    "  body_json TEXT NOT NULL,"
    "  body_text TEXT NOT NULL,"
    "  body_html TEXT,"
    "  state TEXT NOT NULL CHECK (state IN ('pending', 'delivering', 'delivered', 'dead')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_attempt_ms INTEGER NOT NULL,"
    "  last_error TEXT,"
    "  created_ms INTEGER NOT NULL,"
    "  delivered_ms INTEGER"
    ");"
    "CREATE INDEX outbox_due ON outbox(state, next_attempt_ms);"
    "CREATE TABLE authority_submissions ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  submitted_ms INTEGER NOT NULL,"
    "  receipt_number TEXT,"
    "  report_sha256 TEXT NOT NULL,"
    "  report_json TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  recorded_ms INTEGER NOT NULL"
    ");"
    "CREATE TABLE disclosure_records ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER REFERENCES cases(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('early_publication_approval', 'mps_consent',"
    "    'cross_border_release', 'no_exaggeration_attestation')),"
    "  record TEXT NOT NULL," /* JSON: references, dates, approver */
    "  actor TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL"
    ");"
    "CREATE INDEX disclosure_records_by_case ON disclosure_records(case_id, kind);"
    "CREATE TABLE blackout_windows ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER REFERENCES orgs(id)," /* NULL: every organisation */
    "  starts_ms INTEGER NOT NULL,"
    "  ends_ms INTEGER NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL"
    ");",

    /* 5: compliance outputs, second part: published advisories, VEX
     * statements on product findings, CRA report stages, and an operator's
     * deployed assets. */
    "CREATE TABLE published_advisories ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  tracking_id TEXT NOT NULL,"
    "  revision INTEGER NOT NULL,"
    "  category TEXT NOT NULL," /* csaf_security_advisory, csaf_vex, osv */
    "  document TEXT NOT NULL,"
    "  sha512 TEXT NOT NULL,"
    "  published_ms INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  UNIQUE (tracking_id, revision, category)"
    ");"
    "CREATE TABLE vex_statements ("
    "  id INTEGER PRIMARY KEY,"
    "  product_id INTEGER NOT NULL REFERENCES products(id),"
    "  version TEXT NOT NULL,"
    "  vulnerability TEXT NOT NULL," /* advisory id or CVE */
    "  component_purl TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL CHECK (status IN ('under_investigation', 'affected',"
    "    'not_affected', 'fixed', 'false_positive')),"
    "  justification TEXT,"
    "  original_justification TEXT," /* the value as set, when a format maps it lossily */
    "  impact_statement TEXT,"
    "  action_statement TEXT,"
    "  actor TEXT NOT NULL,"
    "  updated_ms INTEGER NOT NULL,"
    "  UNIQUE (product_id, version, vulnerability, component_purl)"
    ");"
    "CREATE TABLE cra_stages ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  stage TEXT NOT NULL," /* CRA-V-EW, CRA-V-N, CRA-V-FR, CRA-I-EW, ... */
    "  fields TEXT NOT NULL," /* JSON: the stage's field set */
    "  submitted_ms INTEGER,"
    "  evidence TEXT,"
    "  actor TEXT NOT NULL,"
    "  updated_ms INTEGER NOT NULL,"
    "  UNIQUE (case_id, stage)"
    ");"
    "CREATE TABLE assets ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  name TEXT NOT NULL,"
    "  vendor TEXT,"
    "  product TEXT,"
    "  version TEXT,"
    "  purl TEXT,"
    "  sbom TEXT,"
    "  publicly_exposed TEXT NOT NULL DEFAULT 'unknown'"
    "    CHECK (publicly_exposed IN ('yes', 'no', 'unknown')),"
    "  next_upgrade_ms INTEGER,"
    "  identifiers TEXT NOT NULL DEFAULT '[]'," /* host names, addresses: rule P2 */
    "  created_ms INTEGER NOT NULL,"
    "  UNIQUE (org_id, name)"
    ");",
};

const size_t vt__store_migration_count =
    sizeof(vt__store_migrations) / sizeof(vt__store_migrations[0]);
