/**
 * What the shared security and delivery suite (apps/broker/test/security.test.ts) and the hostile-tenant suite run
 * against: the embedded broker and mosquitto, each secured by the deploy files (password file, deploy/mosquitto/acl,
 * TLS), on free ports of 127.0.0.1.
 */
export { DEPLOY_ACL, type Fixture, makeFixture, USERS, type User } from './fixture.js';
export {
  adaptMosquittoConf,
  CERT_TARGETS,
  type CertTarget,
  startAedes,
  startSecureMosquitto,
  TARGETS,
  type Target,
  type TargetName,
} from './targets.js';
