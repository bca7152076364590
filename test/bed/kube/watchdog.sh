#!/usr/bin/env bash
# watchdog.sh COMMAND [ARGS...]
#
# Runs COMMAND and ends it as soon as our stdin says so. The test process holds
# the only write end of that pipe, so when it dies in any way (even SIGKILL,
# which runs no exit handler) the kernel closes the pipe and the control-plane
# process is stopped instead of living on as an orphan.
#   a line "KILL" (or another signal name) on stdin: send that signal now
#   end of file: SIGTERM, then SIGKILL after LADDER_WATCHDOG_GRACE_SECONDS (5)
#   SIGTERM/SIGINT/SIGHUP to this script: SIGKILL now (for exit handlers, which
#   cannot wait; we still reap the child so it never lingers as a zombie)
# Exits with COMMAND's status when COMMAND ends on its own.
set -u

grace="${LADDER_WATCHDOG_GRACE_SECONDS:-5}"

# Background jobs of a non-interactive shell read /dev/null, so keep the pipe on
# fd 3 and hand that to the watcher explicitly.
exec 3<&0 0</dev/null

"$@" 3<&- &
child=$!

(
  signal=TERM
  if read -r -u 3 line && [[ "$line" =~ ^[A-Z0-9]+$ ]]; then signal=$line; fi
  kill "-$signal" "$child" 2>/dev/null || exit 0
  # Give the child `grace` seconds to exit cleanly, then force it.
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$child" 2>/dev/null || exit 0
    sleep 0.1
  done
  kill -KILL "$child" 2>/dev/null
) &
watcher=$!
exec 3<&-

trap 'kill -KILL "$child" 2>/dev/null' TERM INT HUP
# A trapped signal interrupts `wait`; wait again until the child is reaped.
while :; do
  wait "$child"
  status=$?
  kill -0 "$child" 2>/dev/null || break
done
kill "$watcher" 2>/dev/null
# Reap the watcher so it never lingers as a zombie in containers whose init
# does not reap orphans.
wait "$watcher" 2>/dev/null
exit "$status"
