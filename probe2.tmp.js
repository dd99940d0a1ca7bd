const { MongoClient } = require('mongodb');
(async () => {
  const t = Date.now();
  const m = await MongoClient.connect(process.argv[2], { serverSelectionTimeoutMS: 5000 });
  const db = m.db();
  console.log(await db.collection('sessions').findOne({}, { projection: { _id: 1 } }), Date.now() - t);
  await m.close();
})().catch((e) => { console.error(e.message); process.exit(1); });
