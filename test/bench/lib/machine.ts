/** What the figures were measured on: they mean little without it. */
import { readFileSync } from "node:fs";
import { cpus, totalmem, loadavg, release, platform } from "node:os";

/** The machine a benchmark ran on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started (other work on the same cores skews figures). */
  loadAtStart: number;
}

export function machineInfo(nodeVersion: string): MachineInfo {
  const list = cpus();
  return {
    cpu: (list[0]?.model ?? "unknown").trim(),
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: nodeVersion,
    os: `${platform()} ${release()}`,
    loadAtStart: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** Resident memory of a process in MiB: VmRSS (now) or VmHWM (peak) from /proc; NaN where /proc is missing. */
export function rssMiB(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat; NaN where
 * unavailable. With `tid`, one thread's (`tid === pid`: the main thread, the event loop's).
 */
export function cpuMs(pid: number, tid?: number): number {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces, hence the last ")").
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1000) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/** USER_HZ; 100 on every Linux we run on (no portable way to ask without a native call). */
function clockTicks(): number {
  return 100;
}
