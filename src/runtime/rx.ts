/**
 * rxjs at the edges: read a topic as an Observable (dashboards, tests, live views) and feed a topic
 * from an Observable (simulators, bridges). These sit beside the engine, never on its per-record
 * path: records between operators flow through plain synchronous calls.
 */
import { randomUUID } from 'node:crypto';
import { Observable, type Subscription } from 'rxjs';
import { partitionForKey } from '../broker/partitioner.js';
import type { Broker, Headers, ProducerRecord } from '../broker/types.js';
import type { StreamRecord } from '../processor/api.js';
import type { Serde } from '../serde/types.js';

export interface TopicSerdes<K, V> {
  key: Serde<K>;
  value: Serde<V>;
}

/**
 * Emits every record of `topic` (from the beginning unless `fromBeginning: false`) until
 * unsubscribed. Each subscription reads through its own throwaway consumer group.
 */
export function observeTopic<K, V>(
  broker: Broker,
  topic: string,
  serdes: TopicSerdes<K, V>,
  options: { fromBeginning?: boolean } = {},
): Observable<StreamRecord<K, V>> {
  return new Observable<StreamRecord<K, V>>((subscriber) => {
    const consumer = broker.consumer({
      groupId: `tributary-observe-${randomUUID()}`,
      topics: [topic],
      autoOffsetReset: options.fromBeginning === false ? 'latest' : 'earliest',
    });
    consumer
      .run(
        async (batch) => {
          for (const r of batch.records) {
            subscriber.next({
              key: serdes.key.deserialize(r.key, topic, r.headers),
              value: serdes.value.deserialize(r.value, topic, r.headers),
              timestamp: r.timestamp,
              headers: r.headers,
            });
          }
        },
        (err) => subscriber.error(err),
      )
      .catch((err: unknown) => subscriber.error(err));
    return () => {
      void consumer.close();
    };
  });
}

export interface FeedRecord<K, V> {
  key: K;
  value: V;
  timestamp?: number;
  headers?: Headers;
}

/**
 * Produces every record `source` emits to `topic`. Records emitted in the same tick are sent as one
 * batch. Resolves when the source completes and everything is acknowledged; rejects on the first
 * error. Returns the subscription through `onSubscribe` so a caller can stop an endless source.
 */
export async function feedTopic<K, V>(
  broker: Broker,
  topic: string,
  serdes: TopicSerdes<K, V>,
  source: Observable<FeedRecord<K, V>>,
  onSubscribe?: (subscription: Subscription) => void,
): Promise<void> {
  const partitions = await broker.partitionCount(topic);
  if (partitions === undefined) throw new Error(`topic '${topic}' does not exist`);
  const producer = broker.producer();
  await producer.connect();
  let pending: ProducerRecord[] = [];
  let roundRobin = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const sendPending = () => {
    const batch = pending;
    pending = [];
    const sending = producer
      .send(batch)
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const subscription = source.subscribe({
        next: (record) => {
          if (failure) {
            subscription.unsubscribe();
            reject(failure);
            return;
          }
          const key = serdes.key.serialize(record.key, topic);
          if (pending.length === 0) queueMicrotask(sendPending);
          pending.push({
            topic,
            partition: key === null ? roundRobin++ % partitions : partitionForKey(key, partitions),
            key,
            value: serdes.value.serialize(record.value, topic),
            timestamp: record.timestamp ?? Date.now(),
            headers: record.headers,
          });
        },
        error: reject,
        complete: resolve,
      });
      onSubscribe?.(subscription);
      subscription.add(() => resolve());
    });
    if (pending.length) sendPending();
    while (inFlight.size) await Promise.all(inFlight);
    if (failure) throw failure;
  } finally {
    await producer.close();
  }
}
