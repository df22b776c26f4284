#!/usr/bin/env bash
# Replays a support engineer's desk workflow in the monitor as over SSH: tmux at 80x24,
# NO_COLOR, keys sent in bursts (a filter typed in one go, several keys per send), and
# checks what the screen shows after each step and at the end. Exit 0 when every check
# passed; otherwise the failing step and the screen it saw.
#
#   scripts/replay_desk_tmux.sh            # uses .venv/bin/python
#   PYTHON=python3 scripts/replay_desk_tmux.sh
#
# The demo runs on its in-process simulator with a frozen clock (--demo-speed 0), in
# throwaway config/cache/log/export directories, so the replay is the same every time.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
SESSION="fleettui-replay-$$"
WORK=$(mktemp -d)
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v tmux >/dev/null || { echo "replay: tmux is not installed" >&2; exit 2; }

tmux new-session -d -s "$SESSION" -x 80 -y 24 \
    "env NO_COLOR=1 TERM=xterm-256color ESCDELAY=25 \
     FLEETTUI_CONFIG_DIR=$WORK/config FLEETTUI_CACHE_DIR=$WORK/cache \
     FLEETTUI_LOG_DIR=$WORK/log FLEETTUI_DATA_DIR=$WORK/data FLEETTUI_EXPORT_DIR=$WORK/export \
     $PY -m fleettui --demo --demo-speed 0 --demo-vehicles 300; sleep 60"

screen() { tmux capture-pane -t "$SESSION" -p; }

# wait_for STEP TEXT: the screen shows TEXT within 20 s, else fail showing the screen.
wait_for() {
    local step=$1 text=$2
    for _ in $(seq 1 100); do
        if screen | grep -qF -- "$text"; then
            echo "ok   $step"
            return 0
        fi
        sleep 0.2
    done
    echo "FAIL $step: the screen never showed '$text'; it shows:" >&2
    screen >&2
    exit 1
}

# gone STEP TEXT: the screen no longer shows TEXT within 20 s.
gone() {
    local step=$1 text=$2
    for _ in $(seq 1 100); do
        if ! screen | grep -qF -- "$text"; then
            echo "ok   $step"
            return 0
        fi
        sleep 0.2
    done
    echo "FAIL $step: the screen still shows '$text':" >&2
    screen >&2
    exit 1
}

# A burst of keys in one send, then a short pause (a human's next burst, an SSH round trip).
keys() { tmux send-keys -t "$SESSION" "$@"; sleep 0.4; }
typed() { tmux send-keys -t "$SESSION" -l "$1"; sleep 0.4; }   # one burst, as a paste

wait_for "the monitor opens on the demo fleet" "● live"
wait_for "the header counts the fleet" "300/300 shown"

# Filter as you type: the whole filter arrives in one burst; no Enter needed.
keys /
typed "state:pending age>1d"
wait_for "the filter applies as it is typed" "state:pending age>1d"
gone "only pending vehicles remain, before Enter" "300/300 shown"
keys Enter

# Oldest pending first: the sort menu and one letter; the header shows the direction.
keys s i
wait_for "sorted longest in state first, arrow in the header" "In state▼"

# Marks: space marks and moves down, three times in one burst.
keys Escape
keys 1 Space Space Space
wait_for "three rows marked" " 3 marked "

# A filter that hides them (approved only): the header says so.
keys 2
wait_for "marks hidden by the filter are counted" "3 marked, 3 hidden"
keys 1
wait_for "back to pending: nothing hidden" " 3 marked …"

# Cancel the marked ones: the dialog names its keys; n goes back, nothing sent.
keys 1 c
wait_for "the bulk confirmation opens" "marked vehicles?"
wait_for "the dialog says how to answer" "y sends"
keys n
gone "n closes the dialog" "y sends"

# The notification log, then help scrolled with j/k, each closed with q.
keys !
wait_for "the notification log opens" "Notifications"
keys q
gone "q closes the log" "Notifications:"
keys ?
wait_for "help opens" "j/k or arrows scroll"
keys j j j k q
gone "q closes help" "j/k or arrows scroll"

# Copy the vehicle under the cursor for support: the toast names the file's full path.
keys Y
wait_for "copy for support says where the copy went" "Copied"

# The expected end screen: the pending filter, the sort arrow, three marks, the toast.
final=$(screen)
for text in " 3 marked " "In state▼" "state:pending" "… pending"; do
    if ! grep -qF -- "$text" <<<"$final"; then
        echo "FAIL end screen: '$text' missing; it shows:" >&2
        echo "$final" >&2
        exit 1
    fi
done
echo "ok   end screen"
echo "$final"
keys ctrl+q
