#!/bin/sh
# Docker HEALTHCHECK for the EdgeLens images; needs only sh and coreutils (od, stat, date, sleep).
#
#   healthcheck.sh capture    healthy while the capture process's frame ring is open and its writer
#                             heartbeats (the heartbeat word changes between two reads). A camera that
#                             is down is NOT unhealthy: the module reconnects by itself and reports the
#                             source state in the ring header; restarting the container would not help.
#   healthcheck.sh inference  healthy while the inference loop writes events: it writes a heartbeat
#                             event per camera every --heartbeat even when nothing changes, and the
#                             event file (EDGELENS_EVENT_FILE) is flushed after every message, so its
#                             modification time is the loop's last sign of life.
#
# Why not a file's modification time for the ring: writes through a shared memory mapping do not
# update it, so the check reads the heartbeat word in the ring header instead (docs/frame-ring.md).
# Exit 0 = healthy, 1 = unhealthy (the reason goes to stdout, which `docker inspect` shows).
set -u

unhealthy() {
    echo "unhealthy: $*"
    exit 1
}

# Little-endian integers from the ring header. od prints in host byte order; both supported
# platforms (amd64, arm64) are little-endian, like the ring format.
u64() { od -An -tu8 -j "$2" -N 8 "$1" 2>/dev/null | tr -d ' \n'; }
u32() { od -An -tu4 -j "$2" -N 4 "$1" 2>/dev/null | tr -d ' \n'; }

RING_MAGIC=5138124842692199493        # 0x474E49524C474445, "EDGLRING"
OFF_HEARTBEAT_INTERVAL_MS=28
OFF_HEARTBEAT_NANOS=128
OFF_WRITER_STATE=136                  # 1 = open, 2 = closed cleanly

check_capture() {
    ring=${EDGELENS_RING:-}
    if [ -z "$ring" ]; then
        ring=/dev/shm/edgelens-${EDGELENS_CAMERA_ID:-camera0}.ring
    fi
    [ -r "$ring" ] || unhealthy "frame ring $ring does not exist (yet) or is not readable"
    [ "$(u64 "$ring" 0)" = "$RING_MAGIC" ] || unhealthy "$ring is not an initialised frame ring"
    [ "$(u32 "$ring" "$OFF_WRITER_STATE")" = 1 ] || unhealthy "frame ring $ring: the writer closed it"
    interval_ms=$(u32 "$ring" "$OFF_HEARTBEAT_INTERVAL_MS")
    case $interval_ms in '' | *[!0-9]*) unhealthy "frame ring $ring: unreadable header" ;; esac
    # Three heartbeat periods, at least one second: a live writer beats several times meanwhile.
    wait_ms=$((interval_ms * 3))
    [ "$wait_ms" -ge 1000 ] || wait_ms=1000
    beat1=$(u64 "$ring" "$OFF_HEARTBEAT_NANOS")
    sleep "$((wait_ms / 1000)).$(printf '%03d' $((wait_ms % 1000)))"
    beat2=$(u64 "$ring" "$OFF_HEARTBEAT_NANOS")
    [ "$beat1" != "$beat2" ] || unhealthy "frame ring $ring: no writer heartbeat for ${wait_ms} ms (hung or killed)"
    echo "healthy: frame ring $ring open, writer heartbeating"
}

# Seconds in a duration as the modules write them: 500ms, 60s, 5m, 1h, or ISO-8601 PT60S/PT5M/PT1H.
seconds_of() {
    d=$(echo "$1" | tr '[:upper:]' '[:lower:]')
    n=${d%ms}
    if [ "$n" != "$d" ]; then echo $(((n + 999) / 1000)); return; fi
    d=${d#pt}
    case $d in
        *[!0-9smh]* | '' ) return 1 ;;
        *s) n=${d%s}; m=1 ;;
        *m) n=${d%m}; m=60 ;;
        *h) n=${d%h}; m=3600 ;;
        *) return 1 ;;
    esac
    case $n in '' | *[!0-9]*) return 1 ;; esac
    echo $((n * m))
}

check_inference() {
    file=${EDGELENS_EVENT_FILE:-}
    [ -n "$file" ] || unhealthy "EDGELENS_EVENT_FILE is not set, so there is nothing to check (the image sets it)"
    max=${EDGELENS_HEALTH_MAX_AGE:-}
    if [ -z "$max" ]; then
        heartbeat=${EDGELENS_HEARTBEAT:-60s}
        hb=$(seconds_of "$heartbeat") || unhealthy "cannot read EDGELENS_HEARTBEAT=$heartbeat; set EDGELENS_HEALTH_MAX_AGE (seconds)"
        max=$((2 * hb + 30))
    fi
    case $max in '' | *[!0-9]*) unhealthy "EDGELENS_HEALTH_MAX_AGE=$max is not a number of seconds" ;; esac
    [ -f "$file" ] || unhealthy "no event written yet ($file does not exist)"
    age=$(($(date +%s) - $(stat -c %Y "$file")))
    [ "$age" -le "$max" ] || unhealthy "last event written ${age}s ago, limit ${max}s: the inference loop is stuck or stopped"
    echo "healthy: last event written ${age}s ago (limit ${max}s)"
}

case ${1:-} in
    capture) check_capture ;;
    inference) check_inference ;;
    *) echo "usage: $0 capture|inference"; exit 1 ;;   # never 2: Docker reserves it
esac
