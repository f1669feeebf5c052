#!/bin/sh
# The splat scan of the VM lanes (tests/vm/lib.sh: vm_splats, vm_report),
# fed console logs in the kernel's own report formats: a WARN from the
# module, a KASAN use-after-free, a lockdep circular dependency, a lockdep
# recursive locking, UBSAN, a hung task, a refcount underflow, a GPF:
# each one must fail the scan; a clean boot, the
# TCG #DB warning (which the scan leaves out unless the trace names
# edgeai) and, in the debug lane (VM_ALLOC_FAULTS=1), an injected
# allocation failure's report must not. vm_report must fail a run whose
# console has a splat, and one whose kmemleak program reports a leak: the
# debug lane finds leaks by reading /sys/kernel/debug/kmemleak after the
# module's unload (tests/debug/init-debug.sh), not by kmemleak's console
# line, which also counts what boot leaked before the lane's "clear".
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/vm/lib.sh"
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d /tmp/vm-splats.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "TAP version 13"

# The lines every console log has: a boot, the module loading.
cat > "$tmp/clean" <<'EOF'
[    0.000000] Linux version 6.12.118-edgeai-debug (root@build) (gcc (Debian 14.2.0-19) 14.2.0) #1 SMP PREEMPT_DYNAMIC
[    0.000000] Command line: console=ttyS0,115200 panic=-1 loglevel=6 kmemleak=on
[    2.104312] kmemleak: Kernel memory leak detector initialized (mem pool available: 14330)
[    2.104318] kmemleak: Automatic memory scanning thread started
[   14.882013] edgeai: loading out-of-tree module taints kernel.
[   15.301447] [drm] Initialized edgeai 1.4.0 for edgeai-sim.0 on minor 0
[   15.492873] [drm] Initialized edgeai 1.4.0 for edgeai-sim.1 on minor 1
[   98.100211] edgeai edgeai-sim.0: [drm] job 17 on core 0 timed out after 2000 ms: resetting the core
EOF

splat() { # name: the clean log with the splat text (stdin) in the middle
	{ head -n 6 "$tmp/clean"; cat; tail -n 2 "$tmp/clean"; } > "$tmp/$1"
}

splat warn <<'EOF'
[  123.456789] ------------[ cut here ]------------
[  123.456801] WARNING: CPU: 1 PID: 245 at drivers/accel/edgeai/edgeai_job.c:312 edgeai_job_complete+0x1a3/0x1f0 [edgeai]
[  123.457002] Modules linked in: edgeai(O) vgem drm_shmem_helper gpu_sched drm
[  123.457210] CPU: 1 UID: 0 PID: 245 Comm: edgeai_job_test Tainted: G           O       6.12.118-edgeai-debug #1
[  123.457400] RIP: 0010:edgeai_job_complete+0x1a3/0x1f0 [edgeai]
[  123.457402] Call Trace:
[  123.457403]  <TASK>
[  123.457410]  edgeai_sim_timer+0x21c/0x3a0 [edgeai]
[  123.457420]  __hrtimer_run_queues+0x1b3/0x3c0
[  123.457430]  </TASK>
[  123.457900] ---[ end trace 0000000000000000 ]---
EOF
splat kasan <<'EOF'
[   88.120001] ==================================================================
[   88.120210] BUG: KASAN: slab-use-after-free in edgeai_sim_timer+0x5c/0x3a0 [edgeai]
[   88.120400] Read of size 8 at addr ffff888012345678 by task swapper/0/0
[   88.120600] Allocated by task 245:
[   88.120700]  edgeai_job_create+0x44/0x2d0 [edgeai]
[   88.120800] Freed by task 245:
[   88.120900]  kfree+0xd1/0x2a0
[   88.121000] ==================================================================
EOF
splat lockdep <<'EOF'
[   60.100001] ======================================================
[   60.100002] WARNING: possible circular locking dependency detected
[   60.100003] 6.12.118-edgeai-debug #1 Tainted: G           O
[   60.100004] ------------------------------------------------------
[   60.100005] kworker/u8:3/77 is trying to acquire lock:
[   60.100006] ffff88800a1b2c38 (&edev->pm_lock){+.+.}-{3:3}, at: edgeai_pm_get+0x2e/0x90 [edgeai]
EOF
splat recursive <<'EOF'
[   61.200001] ============================================
[   61.200002] WARNING: possible recursive locking detected
[   61.200003] 6.12.118-edgeai-debug #1 Tainted: G           O
[   61.200004] --------------------------------------------
EOF
splat ubsan <<'EOF'
[   70.300001] ------------[ cut here ]------------
[   70.300002] UBSAN: shift-out-of-bounds in drivers/accel/edgeai/edgeai_model.c:82:12
[   70.300003] shift exponent 64 is too large for 64-bit type 'long long unsigned int'
EOF
splat hung <<'EOF'
[  250.000001] INFO: task edgeai_job_test:245 blocked for more than 120 seconds.
[  250.000002]       Tainted: G           O       6.12.118-edgeai-debug #1
EOF
splat refcount <<'EOF'
[   75.000001] ------------[ cut here ]------------
[   75.000002] refcount_t: underflow; use-after-free.
EOF
splat gpf <<'EOF'
[   76.000001] Oops: general protection fault, probably for non-canonical address 0xdffffc0000000003: 0000 [#1] PREEMPT SMP KASAN
EOF
# QEMU's single-step #DB leak (tests/vm/lib.sh, vm_tcg_db_filter).
db='[   40.000001] ------------[ cut here ]------------
[   40.000002] WARNING: CPU: 0 PID: 0 at arch/x86/kernel/traps.c:1100 exc_debug_kernel+0x1a8/0x1f0
[   40.000003] Call Trace:
[   40.000004]  <TASK>
[   40.000005]  asm_exc_debug+0x1e/0x40'
printf '%s\n%s\n' "$db" '[   40.000006]  </TASK>
[   40.000007] ---[ end trace 0000000000000000 ]---' | splat tcg_db
printf '%s\n%s\n' "$db" '[   40.000006]  edgeai_sim_timer+0x10/0x3a0 [edgeai]
[   40.000007]  </TASK>
[   40.000008] ---[ end trace 0000000000000000 ]---' | splat tcg_db_edgeai
# An injected allocation failure (fail-nth) without __GFP_NOWARN.
alloc='[  300.000001] edgeai_failnth_: page allocation failure: order:4, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null)
[  300.000002] CPU: 0 UID: 0 PID: 412 Comm: edgeai_failnth_ Tainted: G           O       6.12.118-edgeai-debug #1
[  300.000003] Call Trace:
[  300.000004]  <TASK>
[  300.000005]  warn_alloc+0x16b/0x200
[  300.000006]  edgeai_bo_create+0x88/0x1f0 [edgeai]
[  300.000007]  </TASK>'
echo "$alloc" | splat alloc
printf '%s\n%s\n' "$alloc" '[  300.100001] BUG: KASAN: double-free in edgeai_bo_create+0x1c0/0x1f0 [edgeai]' | splat alloc_kasan

for c in warn kasan lockdep recursive ubsan hung refcount gpf tcg_db_edgeai alloc; do
	vm_splats "$tmp/$c" > "$tmp/$c.out"
	rc=$?
	[ $rc -eq 1 ] && [ -s "$tmp/$c.out" ]
	ok $? "vm_splats fails a console with a $c report"
done
vm_splats "$tmp/clean" > /dev/null
ok $? "vm_splats passes a clean console"
vm_splats "$tmp/tcg_db" > /dev/null
ok $? "vm_splats leaves out the TCG #DB warning whose trace does not name edgeai"
VM_ALLOC_FAULTS=1 vm_splats "$tmp/alloc" > /dev/null
ok $? "VM_ALLOC_FAULTS=1: vm_splats leaves out an injected allocation failure's report"
VM_ALLOC_FAULTS=1 vm_splats "$tmp/alloc_kasan" > /dev/null
[ $? -eq 1 ]
ok $? "VM_ALLOC_FAULTS=1: a KASAN report after an allocation failure still fails"
grep -q 'BUG: KASAN: slab-use-after-free' "$tmp/kasan.out"
ok $? "vm_splats prints the report"

# vm_report: a guest run of two programs, the last the debug lane's kmemleak scan.
run() { # name leak(0/1) console
	d=$tmp/run-$1
	mkdir -p "$d"
	cp "$tmp/$3" "$d/console.log"
	{
		echo '# edgeai-vm: begin load-modules'
		echo 'ok 1 insmod edgeai.ko'
		echo '# edgeai-vm: exit load-modules 0'
		echo '# edgeai-vm: begin kmemleak'
		echo 'ok 1 rmmod edgeai'
		if [ "$2" = 1 ]; then
			echo 'not ok 2 kmemleak: no suspected leak after the tests and the unload'
			echo '# unreferenced object 0xffff888009a1c400 (size 64):'
			echo '#   comm "edgeai_bo_test", pid 231, jiffies 4294912345'
			echo '# edgeai-vm: exit kmemleak 1'
		else
			echo 'ok 2 kmemleak: no suspected leak after the tests and the unload'
			echo '# edgeai-vm: exit kmemleak 0'
		fi
		echo "$VM_END_MARKER"
	} > "$d/results.log"
	VM_ALLOC_FAULTS=1 vm_report "$d" 0 "$d/counts" > "$d/report"
}
run good 0 clean
ok $? "vm_report passes a clean run"
grep -qx '5 passed, 0 failed, 0 skipped' "$tmp/run-good/report"
ok $? "vm_report counts a clean run: 5 passed, 0 failed"
run leak 1 clean
[ $? -ne 0 ] && grep -qx '4 passed, 1 failed, 0 skipped' "$tmp/run-leak/report"
ok $? "vm_report fails a run whose kmemleak scan found a leak"
run lockdep 0 lockdep
[ $? -ne 0 ] && grep -q '^not ok [0-9]* no_kernel_splat' "$tmp/run-lockdep/report" &&
	[ "$(cat "$tmp/run-lockdep/counts")" = "4 1 0" ]
ok $? "vm_report fails a run whose console has a lockdep report"

echo "1..$n"
exit $fail
