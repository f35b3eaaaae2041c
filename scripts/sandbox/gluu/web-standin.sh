# start|stop|restart|status of one SANDBOX STAND-IN web service (gluu/web-standin.py), sourced
# by the sandbox's /etc/init.d/oxauth, /etc/init.d/identity and /etc/init.d/apache2 after they
# set NAME, PIDFILE, LOG and ARGS. Installed by scripts/sandbox/web.cjs as
# /opt/gluu/sandbox/web-standin.sh.

STANDIN=/opt/gluu/sandbox/web-standin.py
# How long stop waits for the process to end, in tenths of a second.
WAIT=100

# A live process (not a zombie waiting to be reaped) with this pid.
alive() {
  [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}

# The running stand-in's pid, from its pidfile; fails when none runs (a stale file is not enough).
running_pid() {
  [ -s "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE")
  alive "$pid" && grep -q "web-standin.py" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

start() {
  if pid=$(running_pid); then
    echo "$NAME is already running (pid $pid)"
    return 0
  fi
  mkdir -p "$(dirname "$PIDFILE")" "$(dirname "$LOG")"
  rm -f "$PIDFILE"
  # It returns once it listens, or fails saying why.
  # shellcheck disable=SC2086
  /usr/bin/python3 "$STANDIN" $ARGS --pidfile "$PIDFILE" --log "$LOG" || return 1
  echo "$NAME started (pid $(cat "$PIDFILE"))"
}

stop() {
  if ! pid=$(running_pid); then
    rm -f "$PIDFILE"
    echo "$NAME is not running"
    return 0
  fi
  kill -TERM "$pid"
  i=0
  while alive "$pid"; do
    i=$((i + 1))
    if [ "$i" -gt "$WAIT" ]; then
      echo "$NAME (pid $pid) did not stop within $((WAIT / 10)) s" >&2
      return 1
    fi
    sleep 0.1
  done
  rm -f "$PIDFILE"
  echo "$NAME stopped"
}

case "$1" in
  start) start ;;
  stop) stop ;;
  restart | force-reload)
    stop && start
    ;;
  status)
    if pid=$(running_pid); then
      echo "$NAME is running (pid $pid)"
      exit 0
    fi
    echo "$NAME is not running"
    exit 3
    ;;
  *)
    echo "Usage: $0 {start|stop|restart|status}" >&2
    exit 2
    ;;
esac
