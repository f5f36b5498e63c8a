/**
 * The throughput baseline for bench/gateway.ts: a bare Apollo Server 5 on Express 5 answering
 * `{ hello }`, nothing else (no plugins, no context, no limits). Listens on BENCH_PORT on
 * loopback and prints `ready`.
 */
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';

const apollo = new ApolloServer({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } });
await apollo.start();
const app = express();
app.use('/graphql', express.json(), expressMiddleware(apollo));
const server = app.listen(Number(process.env.BENCH_PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
