/**
 * Counters a user can export: what the workers did, as plain numbers. `snapshot()` for your own exporter,
 * `toPrometheus()` for a scrape endpoint. Counters only grow; gauges (`inFlight`) go up and down.
 */

/** The counters of a worker (or of several workers sharing one `WorkerMetrics`). */
export interface MetricsSnapshot {
  decisionTasks: { completed: number; failed: number; late: number; workflowFailed: number };
  /** Time from receiving a decision task to its response, ms. */
  decisionLatencyMs: { count: number; sum: number; max: number };
  cache: { hits: number; misses: number; evictions: number };
  /** History pages fetched for decision tasks (the first page comes with the task). */
  historyPages: number;
  /**
   * Activity task outcomes; `attemptLookups`: GetWorkflowExecutionHistory reads for an attempt number (only for a
   * task whose input is too large to carry it).
   */
  activityTasks: {
    completed: number;
    failed: number;
    canceled: number;
    givenBack: number;
    lost: number;
    attemptLookups: number;
  };
  polls: { decision: number; activity: number; empty: number; errors: number };
  /** Calls that SWF throttled, or that failed with a transient error, and were retried. */
  retries: { throttled: number; transient: number };
  inFlight: { decisionTasks: number; activityTasks: number };
}

/** Mutable counters. One instance can be shared by several workers. */
export class WorkerMetrics {
  readonly counters: MetricsSnapshot = {
    decisionTasks: { completed: 0, failed: 0, late: 0, workflowFailed: 0 },
    decisionLatencyMs: { count: 0, sum: 0, max: 0 },
    cache: { hits: 0, misses: 0, evictions: 0 },
    historyPages: 0,
    activityTasks: { completed: 0, failed: 0, canceled: 0, givenBack: 0, lost: 0, attemptLookups: 0 },
    polls: { decision: 0, activity: 0, empty: 0, errors: 0 },
    retries: { throttled: 0, transient: 0 },
    inFlight: { decisionTasks: 0, activityTasks: 0 },
  };

  /** Records one decision task's latency. */
  decisionLatency(ms: number): void {
    const l = this.counters.decisionLatencyMs;
    l.count++;
    l.sum += ms;
    l.max = Math.max(l.max, ms);
  }

  /** A deep copy of the counters. */
  snapshot(): MetricsSnapshot {
    return structuredClone(this.counters);
  }

  /** The counters in Prometheus' text format (`yieldflow_decision_tasks_completed_total 12` …). */
  toPrometheus(prefix = "yieldflow"): string {
    const lines: string[] = [];
    const walk = (obj: object, path: string[]) => {
      for (const [k, v] of Object.entries(obj)) {
        const name = [...path, k].map((p) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join("_");
        if (typeof v === "number") {
          const gauge = path[0] === "inFlight" || k === "max";
          lines.push(`# TYPE ${prefix}_${name}${gauge ? "" : "_total"} ${gauge ? "gauge" : "counter"}`);
          lines.push(`${prefix}_${name}${gauge ? "" : "_total"} ${v}`);
        } else walk(v as object, [...path, k]);
      }
    };
    walk(this.counters, []);
    return `${lines.join("\n")}\n`;
  }
}
