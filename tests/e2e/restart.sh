# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# The daemon-restart steps of the e2e lane (issue 15), sourced by
# scenario.sh with its ok/diag/poll/mainpid helpers and counters: the soak
# client (tests/soak/edgeai-soak, four clients by ioctl and io_uring on the
# NPU and the DSP, programs and command jobs, every job accounted for in
# the client, outputs compared byte for byte; no injected faults and no
# unbind here) runs as the application "soak" of an [Application] rule
# (weight 200) while edgeaid is killed with SIGKILL and restarted by
# systemd (Restart=on-failure) E2E_RESTARTS times (default 3), then ends
# (SIGTERM: the soak drains and checks as at the end of its time). After each
# restart: systemd has the new instance running (Type=notify: only after
# its READY=1) with its STATUS= line, `edgeaictl status` answers from it,
# and it has applied its rules again to the clients already open (the soak
# with weight 200 in `edgeaictl clients`, and its journal says so). At the
# end the soak's own checks: every submitted job completed exactly once
# (none lost, none twice), outputs exact, nothing leaked, no splat.

R_N=$(cat /usr/share/edgeai-e2e/restarts 2> /dev/null || echo 3)
restarts=0
rt0=$(date +%s)
# the restarts counted by systemd before these steps
nr0=$(systemctl show -p NRestarts --value edgeaid)
# it runs until SIGTERM, after the last restart (600 s at most)
/usr/local/bin/edgeai-soak --seconds 600 --clients 4 --no-faults --no-unbind --seed 15 \
	> /tmp/rsoak.out 2>&1 &
rsoak=$!
soak_weights() { # the soak's clients are in edgeaictl clients, each with weight 200
	_c=$(edgeaictl clients 2> /dev/null | grep -c '^ *[0-9].* soak .* 200 ')
	[ "$_c" -ge 4 ]
}
poll 30 soak_weights
ok $? "the soak's four clients run as application soak, weight 200 (edgeaictl clients)" \
	"$(edgeaictl clients 2>&1; head -n 5 /tmp/rsoak.out)"
i=0
while [ $i -lt "$R_N" ]; do
	i=$((i + 1))
	pid=$(mainpid)
	kill -9 "$pid"
	# systemd restarts it after RestartSec=1; running only after READY=1
	poll 30 sh -c "[ \"\$(systemctl show -p SubState --value edgeaid)\" = running ] &&
		[ \"\$(systemctl show -p MainPID --value edgeaid)\" != $pid ]"
	st=$?
	npid=$(mainpid)
	nr=$(systemctl show -p NRestarts --value edgeaid)
	stx=$(systemctl show -p StatusText --value edgeaid)
	[ $st -eq 0 ] && [ "$nr" -eq $((nr0 + i)) ] && printf '%s\n' "$stx" | grep -q 'devices'
	r=$?
	[ $r -eq 0 ] && restarts=$((restarts + 1))
	ok $r "kill -9 #$i of edgeaid (pid $pid): systemd restarted it (pid $npid, NRestarts $nr), READY with status \"$stx\"" \
		"$(systemctl status edgeaid 2>&1 | tail -n 15)"
	edgeaictl status > /tmp/rstatus.txt 2>&1 && grep -q '^policy (edgeaid):' /tmp/rstatus.txt
	ok $? "kill -9 #$i: edgeaictl status answers from the new instance" "$(cat /tmp/rstatus.txt)"
	poll 10 soak_weights &&
		poll 5 sh -c "journalctl -b _PID=$npid -o cat | grep -q 'is application soak: weight 200'"
	ok $? "kill -9 #$i: the new instance applied its rules to the open clients (soak, weight 200)" \
		"$(edgeaictl clients 2>&1; journalctl -b _PID="$npid" -o cat 2>&1 | tail -n 10)"
	sleep 1
done
kill -TERM $rsoak
wait $rsoak
rc=$?
sed -n 's/^\(# client \)/\1/p' /tmp/rsoak.out | sed 's/^# /# soak: /'
js=$(sed -n 's/^# soak-json: //p' /tmp/rsoak.out)
num() { printf '%s\n' "$js" | sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"; }
diag "daemon-restart soak: $(num seconds) s, jobs submitted $(num submitted), completed $(num completed), lost $(num lost), duplicated $(num duplicated), wrong outputs $(num wrong_output), edgeaid restarts $restarts of $R_N; these steps took $(($(date +%s) - rt0)) s"
[ $rc -eq 0 ] && [ -n "$js" ] && ! grep -q '^not ok' /tmp/rsoak.out && [ "$(grep -c '^ok' /tmp/rsoak.out)" -ge 7 ]
ok $? "the soak's checks under $restarts edgeaid restarts: every job completed exactly once, outputs exact, nothing leaked" \
	"$(cat /tmp/rsoak.out)"
[ "$(num lost)" = 0 ] && [ "$(num duplicated)" = 0 ] && [ "$(num submitted)" = "$(num completed)" ] &&
	[ "$(num submitted)" -gt 0 ] && [ "$restarts" -eq "$R_N" ]
ok $? "jobs: $(num submitted) submitted = $(num completed) completed, 0 lost, 0 duplicated, $restarts restarts"
