#!/usr/bin/env node
// A Redis client that connects EXACTLY as the Infisical backend does (ioredis 5 + BullMQ 5),
// configured only through Infisical's environment variables. Used by the Python real-server tests.
//
//   node infisical-client.mjs ping
//   node infisical-client.mjs enqueue --queue Q --count N [--prefix P] [--batch B] [--keep-completed]
//   node infisical-client.mjs count   --queue Q [--prefix P]
//   node infisical-client.mjs process --queue Q --count N [--prefix P]
//   node infisical-client.mjs write-through-failover --queue Q --count N [--prefix P]
//                                   [--ids-file F] [--interval-ms MS]
//   node infisical-client.mjs check-ids --queue Q --ids-file F [--prefix P]
//
// Every command accepts --timeout-ms T (default 30000). Each run prints ONE JSON line on stdout;
// exit 0 on success, 1 with {"ok": false, "error": ...} on failure. Library warnings go to stderr.

import { readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

const JOB_NAME = "harness-job";

// BullMQ is imported only by the commands that use it (half of the start-up time of `ping`).
async function bullmq() {
  return import("bullmq");
}

// ------------------------------------------------------------------ Infisical's configuration

// Infisical trims strings and treats an empty string as unset.
function env(name) {
  const value = process.env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

// `host:port,host:port`: every entry needs a numeric port; no scheme, no IPv6 literals.
function parseHosts(name, value) {
  return value.split(",").map((entry) => {
    const [host, port, ...rest] = entry.trim().split(":");
    if (!host || port === undefined || rest.length > 0 || !/^\d+$/.test(port)) {
      throw new Error(`${name}: entry ${JSON.stringify(entry)} is not host:port`);
    }
    return { host, port: Number(port) };
  });
}

// REDIS_CLUSTER_ENABLE_TLS and the ElastiCache flag accept exactly "true" or "false".
function strictBool(name) {
  const value = env(name);
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  throw new Error(`${name} must be "true" or "false", got ${JSON.stringify(value)}`);
}

function readConfig() {
  return {
    url: env("REDIS_URL"),
    username: env("REDIS_USERNAME"),
    password: env("REDIS_PASSWORD"),
    clusterHosts: env("REDIS_CLUSTER_HOSTS") && parseHosts("REDIS_CLUSTER_HOSTS", env("REDIS_CLUSTER_HOSTS")),
    clusterTls: strictBool("REDIS_CLUSTER_ENABLE_TLS"),
    elasticacheDnsLookup: strictBool("REDIS_CLUSTER_AWS_ELASTICACHE_DNS_LOOKUP_MODE"),
    sentinelHosts:
      env("REDIS_SENTINEL_HOSTS") && parseHosts("REDIS_SENTINEL_HOSTS", env("REDIS_SENTINEL_HOSTS")),
    sentinelMasterName: env("REDIS_SENTINEL_MASTER_NAME") || "mymaster",
    sentinelTls: env("REDIS_SENTINEL_ENABLE_TLS") === "true",
    sentinelUsername: env("REDIS_SENTINEL_USERNAME"),
    sentinelPassword: env("REDIS_SENTINEL_PASSWORD"),
  };
}

function modeOf(cfg) {
  if (cfg.url) return "url";
  if (cfg.clusterHosts) return "cluster";
  if (cfg.sentinelHosts) return "sentinel";
  throw new Error("Either REDIS_URL, REDIS_SENTINEL_HOSTS or REDIS_CLUSTER_HOSTS must be defined.");
}

// The connection Infisical builds; precedence: URL, then cluster, then Sentinel.
function buildRedis(cfg) {
  switch (modeOf(cfg)) {
    case "url":
      return new Redis(cfg.url, { maxRetriesPerRequest: null });
    case "cluster":
      return new Redis.Cluster(cfg.clusterHosts, {
        dnsLookup: cfg.elasticacheDnsLookup ? (address, callback) => callback(null, address) : undefined,
        redisOptions: {
          username: cfg.username,
          password: cfg.password,
          tls: cfg.clusterTls ? {} : undefined,
        },
      });
    default:
      return new Redis({
        sentinels: cfg.sentinelHosts,
        name: cfg.sentinelMasterName,
        maxRetriesPerRequest: null,
        sentinelUsername: cfg.sentinelUsername,
        sentinelPassword: cfg.sentinelPassword,
        enableTLSForSentinelMode: cfg.sentinelTls,
        username: cfg.username,
        password: cfg.password,
      });
  }
}

// ------------------------------------------------------------------ command line

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const opts = {};
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i];
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${JSON.stringify(arg)}`);
    const key = arg.slice(2);
    if (key === "keep-completed") {
      opts[key] = true;
    } else {
      if (i + 1 >= rest.length) throw new Error(`${arg} needs a value`);
      opts[key] = rest[(i += 1)];
    }
  }
  return { command, opts };
}

function need(opts, key) {
  if (opts[key] === undefined) throw new Error(`--${key} is required`);
  return opts[key];
}

function intOpt(opts, key, fallback) {
  const raw = opts[key] ?? fallback;
  if (raw === undefined) throw new Error(`--${key} is required`);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${key} must be a non-negative integer`);
  return value;
}

// Cluster mode needs a hash-tag prefix (Infisical: `{queue-name}`); otherwise BullMQ's `bull`.
function prefixFor(mode, opts, queue) {
  if (opts.prefix !== undefined) {
    if (mode === "cluster" && !/\{[^}]+\}/.test(opts.prefix)) {
      throw new Error(`in cluster mode --prefix must contain a hash tag like {${queue}}`);
    }
    return opts.prefix;
  }
  return mode === "cluster" ? `{${queue}}` : "bull";
}

// Infisical's queue() defaults: completed and failed jobs are removed.
function jobOptions(opts) {
  return opts["keep-completed"] ? {} : { removeOnComplete: true, removeOnFail: true };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function errorText(err) {
  return err instanceof Error ? err.message : String(err);
}

// ------------------------------------------------------------------ commands

async function ping({ redis, mode }) {
  const pong = await redis.ping();
  const info = await redis.info("server");
  const fields = Object.fromEntries(
    info
      .split(/\r?\n/)
      .filter((line) => line.includes(":") && !line.startsWith("#"))
      .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)]),
  );
  const result = { ok: pong === "PONG", mode, pong, redis_version: fields.redis_version };
  if (fields.valkey_version) result.valkey_version = fields.valkey_version;
  const serverMode = fields.redis_mode ?? fields.server_mode;
  if (serverMode) result.redis_mode = serverMode;
  return result;
}

async function enqueue({ redis, mode, opts, state }) {
  const queueName = need(opts, "queue");
  const count = intOpt(opts, "count");
  const batch = Math.max(1, intOpt(opts, "batch", 500));
  const { Queue } = await bullmq();
  const queue = new Queue(queueName, { connection: redis, prefix: prefixFor(mode, opts, queueName) });
  state.closers.push(() => queue.close());
  state.partial = { acked: 0 };
  const jobOpts = jobOptions(opts);
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const jobs = Array.from({ length: size }, (_, k) => ({
      name: JOB_NAME,
      data: { seq: start + k },
      opts: jobOpts,
    }));
    const added = await queue.addBulk(jobs);
    state.partial.acked += added.length;
  }
  return { ok: true, queue: queueName, acked: state.partial.acked };
}

async function count({ redis, mode, opts, state }) {
  const queueName = need(opts, "queue");
  const { Queue } = await bullmq();
  const queue = new Queue(queueName, { connection: redis, prefix: prefixFor(mode, opts, queueName) });
  state.closers.push(() => queue.close());
  const counts = await queue.getJobCounts("waiting", "active", "delayed", "completed", "failed");
  return { ok: true, queue: queueName, ...counts };
}

async function processJobs({ redis, mode, opts, state }) {
  const queueName = need(opts, "queue");
  const target = intOpt(opts, "count");
  state.partial = { processed: 0 };
  if (target === 0) return { ok: true, queue: queueName, processed: 0 };
  let done;
  const finished = new Promise((resolve) => {
    done = resolve;
  });
  const { Worker } = await bullmq();
  const worker = new Worker(
    queueName,
    async (job) => ({ seq: job.data?.seq }),
    { connection: redis, prefix: prefixFor(mode, opts, queueName), concurrency: 16 },
  );
  state.closers.push(() => worker.close(true));
  worker.on("error", (err) => {
    state.lastError = errorText(err);
  });
  worker.on("completed", () => {
    state.partial.processed += 1;
    if (state.partial.processed >= target) done();
  });
  await finished;
  return { ok: true, queue: queueName, processed: state.partial.processed };
}

// Adds one job at a time with an explicit id; an add counts only once Redis acknowledged it.
// Errors are retried with the SAME job id (BullMQ ignores a duplicate id), so a write that was
// applied but not acknowledged is never counted twice.
async function writeThroughFailover({ redis, mode, opts, state, deadline }) {
  const queueName = need(opts, "queue");
  const target = intOpt(opts, "count");
  const intervalMs = intOpt(opts, "interval-ms", 0);
  const idsFile = opts["ids-file"];
  const runTag = randomBytes(4).toString("hex");
  const { Queue } = await bullmq();
  const queue = new Queue(queueName, { connection: redis, prefix: prefixFor(mode, opts, queueName) });
  state.closers.push(() => queue.close());
  const ids = [];
  const partial = { acked: 0, errors: 0, max_ack_gap_ms: 0, first_error: undefined, last_error: undefined };
  state.partial = partial;
  const report = () => {
    if (idsFile) writeFileSync(idsFile, ids.length ? `${ids.join("\n")}\n` : "");
    return idsFile ? { ids_file: idsFile } : { ids };
  };
  state.finalize = report;
  const jobOpts = jobOptions(opts);
  let seq = 0;
  let lastAck = Date.now();
  while (ids.length < target && Date.now() < deadline) {
    const jobId = `${runTag}-${seq}`;
    try {
      const job = await queue.add(JOB_NAME, { seq }, { ...jobOpts, jobId });
      ids.push(job.id);
      partial.acked = ids.length;
      const now = Date.now();
      partial.max_ack_gap_ms = Math.max(partial.max_ack_gap_ms, now - lastAck);
      lastAck = now;
      seq += 1;
      if (intervalMs > 0) await sleep(intervalMs);
    } catch (err) {
      partial.errors += 1;
      partial.last_error = errorText(err);
      partial.first_error ??= partial.last_error;
      await sleep(50);
    }
  }
  const complete = ids.length >= target;
  return {
    ok: complete,
    ...(complete ? {} : { error: "timeout before all jobs were acknowledged" }),
    queue: queueName,
    ...partial,
    ...report(),
  };
}

// Which of the job ids in --ids-file still exist (job hash present) in the queue.
async function checkIds({ redis, mode, opts, state }) {
  const queueName = need(opts, "queue");
  const ids = readFileSync(need(opts, "ids-file"), "utf8").split("\n").filter(Boolean);
  const { Queue } = await bullmq();
  const queue = new Queue(queueName, { connection: redis, prefix: prefixFor(mode, opts, queueName) });
  state.closers.push(() => queue.close());
  const missing = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const exists = await Promise.all(chunk.map((id) => redis.exists(queue.toKey(id))));
    chunk.forEach((id, k) => {
      if (!exists[k]) missing.push(id);
    });
  }
  return {
    ok: missing.length === 0,
    queue: queueName,
    checked: ids.length,
    present: ids.length - missing.length,
    missing_count: missing.length,
    missing: missing.slice(0, 100),
  };
}

const COMMANDS = {
  ping,
  enqueue,
  count,
  process: processJobs,
  "write-through-failover": writeThroughFailover,
  "check-ids": checkIds,
};

// ------------------------------------------------------------------ main

// Graceful close after success; after a failure (server gone, timeout) just drop the sockets, as a
// graceful QUIT would wait for a connection that is not there.
async function closeAll(state, redis, graceful) {
  if (!graceful) {
    redis?.disconnect();
  }
  for (const close of state.closers.reverse()) {
    try {
      await Promise.race([close(), sleep(graceful ? 2000 : 200)]);
    } catch {
      // closing is best effort
    }
  }
  if (redis && graceful) {
    try {
      await Promise.race([redis.quit(), sleep(1000)]);
    } catch {
      // ignore
    }
    redis.disconnect();
  }
}

async function main() {
  const state = { closers: [], partial: {}, lastError: undefined, finalize: undefined };
  let redis;
  let result;
  let exitCode = 0;
  try {
    const { command, opts } = parseArgs(process.argv.slice(2));
    const run = COMMANDS[command];
    if (!run) throw new Error(`unknown command ${JSON.stringify(command)}; one of ${Object.keys(COMMANDS)}`);
    const timeoutMs = intOpt(opts, "timeout-ms", 30000);
    const deadline = Date.now() + timeoutMs;
    const cfg = readConfig();
    const mode = modeOf(cfg);
    redis = buildRedis(cfg);
    redis.on("error", (err) => {
      state.lastError = errorText(err);
    });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      result = await Promise.race([run({ redis, mode, opts, state, deadline }), timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (!result.ok) exitCode = 1;
  } catch (err) {
    exitCode = 1;
    result = { ok: false, error: errorText(err), ...state.partial };
    if (state.finalize) Object.assign(result, state.finalize());
    if (state.lastError && state.lastError !== result.error) result.connection_error = state.lastError;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await closeAll(state, redis, exitCode === 0);
  process.exit(exitCode);
}

main();
