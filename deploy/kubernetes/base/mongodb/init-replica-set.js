/* global Mongo, print, quit, sleep */
// Initiates the replica set rs0 of the mongodb StatefulSet, once (mongosh --nodb, run by the
// mongodb-init-replica-set Job). Safe to run again: a set that exists is left as it is.
const REPLICA_SET = 'rs0';
const MEMBERS = ['mongodb-0.mongodb:27017', 'mongodb-1.mongodb:27017', 'mongodb-2.mongodb:27017'];

// The server's answer, whether the shell returns a failed command or throws it.
function command(admin, cmd) {
  try {
    return admin.runCommand(cmd);
  } catch (e) {
    return { ok: 0, codeName: e.codeName, errmsg: e.message };
  }
}

// Waits until the member answers a ping (its pod may still be scheduling or starting).
function adminOf(host) {
  for (let attempt = 0; ; attempt++) {
    try {
      const admin = new Mongo(`mongodb://${host}/?directConnection=true&serverSelectionTimeoutMS=5000`).getDB(
        'admin',
      );
      if (command(admin, { ping: 1 }).ok === 1) return admin;
    } catch (e) {
      if (attempt % 6 === 0) print(`waiting for ${host}: ${e.message}`);
    }
    sleep(5000);
  }
}

const admins = MEMBERS.map(adminOf);
print(`all ${MEMBERS.length} members answer`);

// Initiated already (here or on another member)? Then there is nothing to do.
for (const [i, admin] of admins.entries()) {
  const status = command(admin, { replSetGetStatus: 1 });
  if (status.ok === 1) {
    const config = command(admin, { replSetGetConfig: 1 }).config;
    const hosts = config ? config.members.map((m) => m.host) : [];
    print(`replica set ${status.set} is initiated (seen from ${MEMBERS[i]}); members: ${hosts.join(', ')}`);
    const missing = MEMBERS.filter((h) => !hosts.includes(h));
    if (missing.length) print(`note: not members of the set: ${missing.join(', ')} (add them with rs.add)`);
    quit(0);
  }
  if (status.codeName !== 'NotYetInitialized') {
    print(`unexpected answer from ${MEMBERS[i]}: ${status.codeName} ${status.errmsg}`);
    quit(1);
  }
}

const result = command(admins[0], {
  replSetInitiate: { _id: REPLICA_SET, members: MEMBERS.map((host, i) => ({ _id: i, host })) },
});
if (result.ok !== 1) {
  print(`replSetInitiate failed: ${result.codeName} ${result.errmsg}`);
  quit(1);
}
print(`replica set ${REPLICA_SET} initiated with ${MEMBERS.join(', ')}`);

// Done when a primary is elected: majority writes work from then on.
for (;;) {
  const hello = command(admins[0], { hello: 1 });
  if (hello.primary) {
    print(`primary: ${hello.primary}`);
    quit(0);
  }
  sleep(2000);
}
