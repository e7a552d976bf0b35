#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for trying the Slurm example and for its test:
#
#   scripts/slurm-local.sh start <dir>   # writes <dir>/slurm.conf, starts munged, slurmctld, slurmd
#   export SLURM_CONF=<dir>/slurm.conf   # then sbatch, squeue, scontrol talk to it
#   scripts/slurm-local.sh stop <dir>    # stops the three daemons it started
#
# Everything (munge key and socket, state, spool, logs, pid files) lives in <dir>, so it touches
# no system configuration. Needs root (slurmd starts jobs as their user) and Debian's packages
# slurmctld, slurmd, slurm-client and munge (Slurm 22.05 on Debian 12). The settings are the
# ones a single node without cgroups needs: processes tracked through /proc, no task plugin,
# cores as the consumable resource.
set -euo pipefail
action=${1:?usage: slurm-local.sh start|stop <dir>}
dir=$(mkdir -p "${2:?usage: slurm-local.sh start|stop <dir>}" && cd "$2" && pwd)

stop() {
  for daemon in slurmd slurmctld munged; do
    [ -s "$dir/$daemon.pid" ] && kill "$(cat "$dir/$daemon.pid")" 2>/dev/null || true
  done
  # munged, slurmctld and slurmd remove their pid files when they have exited.
  for _ in $(seq 50); do
    ls "$dir"/*.pid >/dev/null 2>&1 || return 0
    for pidfile in "$dir"/*.pid; do kill -0 "$(cat "$pidfile" 2>/dev/null || echo 0)" 2>/dev/null || rm -f "$pidfile"; done
    sleep 0.1
  done
}

start() {
  for command in munged mungekey slurmctld slurmd sbatch; do
    command -v "$command" >/dev/null || { echo "slurm-local: $command not found; install Debian's slurmctld slurmd slurm-client munge" >&2; exit 2; }
  done
  [ "$(id -u)" = 0 ] || { echo "slurm-local: slurmd must run as root; run as root (or with sudo)" >&2; exit 2; }
  local host cpus memory
  host=$(hostname -s)
  cpus=$(nproc)
  memory=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
  mkdir -p "$dir/state" "$dir/spool"
  chmod 700 "$dir"
  [ -e "$dir/munge.key" ] || mungekey --create --keyfile="$dir/munge.key"
  chmod 400 "$dir/munge.key"
  cat > "$dir/slurm.conf" <<CONF
ClusterName=coldbench-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldPort=6917
SlurmdPort=6918
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  munged --force --socket="$dir/munge.socket" --key-file="$dir/munge.key" --pid-file="$dir/munged.pid" \
    --log-file="$dir/munged.log" --seed-file="$dir/munge.seed"
  slurmctld -f "$dir/slurm.conf"
  slurmd -f "$dir/slurm.conf"
  export SLURM_CONF="$dir/slurm.conf"
  for _ in $(seq 100); do
    if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then return 0; fi
    sleep 0.2
  done
  echo "slurm-local: the node did not come up in 20 s; see $dir/slurmctld.log and $dir/slurmd.log" >&2
  stop
  exit 1
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) echo "slurm-local: unknown action '$action' (start or stop)" >&2; exit 2 ;;
esac
