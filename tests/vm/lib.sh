# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Reusable pieces of the VM lanes, sourced by tests/vm/run.sh, tests/vm/demo.sh
# and later lanes:
#
#   vm_setup                     find the 6.12 kernel, set VM_KVER/VM_KERNEL/VM_CACHE
#   vm_modules NAME...           print the packaged modules NAME... need, in load
#                                order, as decompressed .ko paths in the cache
#   vm_initramfs OUT [opts]      build a gzip cpio (see the function for options)
#   vm_boot INITRD DIR SECS [APPEND]
#                                boot it; DIR gets console.log and results.log
#                                (the guest's ttyS1); 0 iff the end marker came
#   vm_splats CONSOLE_LOG        print kernel splats found in a console log;
#                                0 iff there were none
#
# Inside the guest, /lib/edgeai-vm.sh (tests/vm/guest-lib.sh) gives init
# scripts vm_guest_setup, vm_load_deps, vm_result and vm_end.
#
# QEMU exits 0 even after a guest panic, so a boot is judged only by the end
# marker the guest writes to ttyS1 last.

VM_END_MARKER='edgeai-vm: end of tests'
VM_TOP=${VM_TOP:-$(cd "$(dirname -- "$0")/../.." && pwd)}

vm_log() { echo "vm: $*" >&2; }

vm_setup() {
	VM_CACHE=${EDGEAI_CACHE:-$HOME/.cache/edgeai}/vm
	VM_KERNEL=${VM_KERNEL:-$(ls /boot/vmlinuz-6.12.*-amd64 2>/dev/null | sort -V | tail -n 1)}
	if [ -z "$VM_KERNEL" ] || [ ! -r "$VM_KERNEL" ]; then
		vm_log "no /boot/vmlinuz-6.12.*-amd64 (run: make deps)"
		return 1
	fi
	VM_KVER=${VM_KERNEL#/boot/vmlinuz-}
	if [ ! -d "/lib/modules/$VM_KVER/kernel" ]; then
		vm_log "no module tree /lib/modules/$VM_KVER (run: make deps)"
		return 1
	fi
	for t in qemu-system-x86_64 cpio gzip xz modprobe modinfo; do
		command -v "$t" > /dev/null 2>&1 && continue
		vm_log "$t is missing (run: make deps)"
		return 1
	done
	VM_BUSYBOX=$(command -v busybox 2>/dev/null || true)
	if [ -z "$VM_BUSYBOX" ] || ! file -L "$VM_BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
		VM_BUSYBOX=/bin/busybox
	fi
	if [ ! -x "$VM_BUSYBOX" ]; then
		vm_log "busybox-static is missing (run: make deps)"
		return 1
	fi
	mkdir -p "$VM_CACHE/$VM_KVER/modules"
}

# vm_modules NAME... - dependency closure of packaged modules, in load order.
# Prints one decompressed .ko path per line; decompressed copies are cached
# in $VM_CACHE/<kver>/modules and refreshed when the packaged file changes.
# VM_MODDIR: module tree root other than / (modprobe -d), e.g. a
# cross-built kernel's modules_install.
vm_modules() {
	_seen=' '
	for _m in "$@"; do
		_lines=$(modprobe ${VM_MODDIR:+-d "$VM_MODDIR"} -S "$VM_KVER" \
			--show-depends "$_m" 2>&1) || {
			vm_log "modprobe --show-depends $_m: $_lines"
			return 1
		}
		printf '%s\n' "$_lines" | while read -r _cmd _path _rest; do
			[ "$_cmd" = insmod ] || continue
			printf '%s\n' "$_path"
		done
	done | while read -r _path; do
		case $_seen in *" $_path "*) continue ;; esac
		_seen="$_seen$_path "
		_base=$(basename "$_path")
		_ko=$VM_CACHE/$VM_KVER/modules/${_base%.xz}
		_ko=${_ko%.zst}
		if [ ! -f "$_ko" ] || [ "$_path" -nt "$_ko" ]; then
			case $_path in
			*.xz) xz -dc "$_path" > "$_ko.tmp" ;;
			*.zst) zstd -qdc "$_path" > "$_ko.tmp" ;;
			*) cp "$_path" "$_ko.tmp" ;;
			esac || return 1
			mv "$_ko.tmp" "$_ko"
		fi
		printf '%s\n' "$_ko"
	done
}

# vm_ko_depends KO - the module names a built .ko depends on (modinfo).
vm_ko_depends() {
	modinfo -F depends "$1" | tr ',' ' '
}

# vm_initramfs OUT [options] - build a gzip cpio initramfs at OUT.
#   --init FILE        the /init script (required)
#   --modules "M..."   packaged modules (and their dependencies) to put in
#                      /lib/modules/<kver>/; their load order goes to
#                      /lib/modules/load-order for vm_load_deps
#   --file SRC DST     copy SRC to DST inside the image
#   --bin SRC DST      copy an executable and the shared libraries ldd lists
#                      ($VM_LDD instead of ldd: another architecture's)
#   --dir SRC DST      copy a directory tree
# The busybox/dependency-module part is cached as a separate cpio keyed by
# its contents; the rest is an overlay appended to it.
vm_initramfs() {
	_out=$1; shift
	_init= _mods=
	_stage=$(mktemp -d "${TMPDIR:-/tmp}/edgeai-initramfs.XXXXXX") || return 1
	mkdir -p "$_stage/lib/firmware" "$_stage/lib" "$_stage/bin"
	while [ $# -gt 0 ]; do
		case $1 in
		--init) _init=$2; shift 2 ;;
		--modules) _mods=$2; shift 2 ;;
		--file)
			mkdir -p "$_stage$(dirname "$3")"
			cp -L "$2" "$_stage$3" || { rm -rf "$_stage"; return 1; }
			shift 3 ;;
		--dir)
			mkdir -p "$_stage$3"
			cp -RL "$2/." "$_stage$3/" || { rm -rf "$_stage"; return 1; }
			shift 3 ;;
		--bin)
			mkdir -p "$_stage$(dirname "$3")"
			cp -L "$2" "$_stage$3" || { rm -rf "$_stage"; return 1; }
			# Shared libraries (none for static binaries).
			${VM_LDD:-ldd} "$2" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' |
			while read -r _lib; do
				[ -e "$_stage$_lib" ] && continue
				mkdir -p "$_stage$(dirname "$_lib")"
				cp -L "$_lib" "$_stage$_lib"
				# Libraries from the build tree (found through an
				# rpath on the host) go to the default path too.
				case $_lib in
				/lib/*|/lib64/*|/usr/lib/*) ;;
				*) mkdir -p "$_stage/usr/lib"
				   cp -L "$_lib" "$_stage/usr/lib/" ;;
				esac
			done
			shift 3 ;;
		*) vm_log "vm_initramfs: unknown option $1"; rm -rf "$_stage"; return 1 ;;
		esac
	done
	if [ -z "$_init" ]; then
		vm_log "vm_initramfs: --init is required"
		rm -rf "$_stage"
		return 1
	fi
	cp "$_init" "$_stage/init" && chmod 755 "$_stage/init"
	cp "$VM_TOP/tests/vm/guest-lib.sh" "$_stage/lib/edgeai-vm.sh"

	# Cached base: busybox and the packaged modules.
	_kos=$(vm_modules $_mods) || { rm -rf "$_stage"; return 1; }
	_key=$( { echo "$VM_BUSYBOX"; ls -l "$VM_BUSYBOX"; for _k in $_kos; do ls -l "$_k"; done; } |
		md5sum | cut -c1-12)
	_base=$VM_CACHE/$VM_KVER/base-$_key.cpio.gz
	if [ ! -f "$_base" ]; then
		vm_log "building base initramfs $(basename "$_base") (cached)"
		_bstage=$(mktemp -d "${TMPDIR:-/tmp}/edgeai-base.XXXXXX") || return 1
		mkdir -p "$_bstage/bin" "$_bstage/sbin" "$_bstage/usr/bin" "$_bstage/usr/sbin" \
			"$_bstage/dev" "$_bstage/proc" "$_bstage/sys" "$_bstage/tmp" "$_bstage/run" \
			"$_bstage/lib/modules/$VM_KVER" "$_bstage/etc"
		cp "$VM_BUSYBOX" "$_bstage/bin/busybox"
		ln -s busybox "$_bstage/bin/sh"
		: > "$_bstage/lib/modules/load-order"
		for _k in $_kos; do
			cp "$_k" "$_bstage/lib/modules/$VM_KVER/"
			echo "/lib/modules/$VM_KVER/$(basename "$_k")" >> "$_bstage/lib/modules/load-order"
		done
		echo "root:x:0:0:root:/root:/bin/sh" > "$_bstage/etc/passwd"
		echo "root:x:0:" > "$_bstage/etc/group"
		(cd "$_bstage" && find . | sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) \
			> "$_base.tmp" && mv "$_base.tmp" "$_base"
		rm -rf "$_bstage"
		# Drop base images of other keys.
		for _old in "$VM_CACHE/$VM_KVER"/base-*.cpio.gz; do
			[ "$_old" = "$_base" ] || rm -f "$_old"
		done
	fi
	{
		cat "$_base"
		(cd "$_stage" && find . | sort | cpio -o -H newc -R 0:0 --quiet | gzip -1)
	} > "$_out.tmp" && mv "$_out.tmp" "$_out"
	_rc=$?
	rm -rf "$_stage"
	return $_rc
}

# vm_boot INITRD DIR SECS [APPEND] - boot the kernel with INITRD under TCG.
# DIR/console.log gets ttyS0 (kernel console), DIR/results.log ttyS1 (the
# tests' output, CRs stripped). Returns 0 when the guest wrote the end
# marker, 124 on timeout, 1 otherwise. VM_ECHO=1 also streams results.log
# to stdout while the guest runs, VM_ECHO=progress only the program
# begin/exit lines.
vm_boot() {
	_initrd=$1 _dir=$2 _secs=$3 _append=${4:-}
	mkdir -p "$_dir"
	rm -f "$_dir/console.log" "$_dir/results.raw" "$_dir/results.log"
	: > "$_dir/results.raw"
	# Single-threaded TCG with two vCPUs: multi-threaded TCG hits a rare
	# "Oops: int3" in get_random_u32() right after crng init, about one boot
	# in 55, a QEMU race with kernel code patching.
	timeout -k 5 "$_secs" qemu-system-x86_64 \
		-accel tcg,thread=single -smp 2 -m "${VM_MEM:-1024}" \
		-cpu max -machine q35 \
		-kernel "$VM_KERNEL" -initrd "$_initrd" \
		-append "console=ttyS0,115200 panic=-1 loglevel=6 $_append" \
		-display none -no-reboot -monitor none -nodefaults \
		-serial "file:$_dir/console.log" -serial "file:$_dir/results.raw" \
		< /dev/null > "$_dir/qemu.log" 2>&1 &
	_qpid=$!
	# Background jobs of a non-interactive shell ignore SIGINT: pass an
	# interrupt on (timeout forwards the TERM to QEMU).
	trap 'kill $_qpid 2>/dev/null; exit 130' INT TERM
	# The echo pipeline ends by itself when tail sees the VM gone.
	case ${VM_ECHO:-0} in
	1)
		tail -n +1 -s 0.2 --pid=$_qpid -f "$_dir/results.raw" | tr -d '\r' ;;
	progress)
		tail -n +1 -s 0.2 --pid=$_qpid -f "$_dir/results.raw" | tr -d '\r' |
			sed -un 's/^# edgeai-vm: \(.*\)/vm: guest: \1/p' ;;
	esac
	wait $_qpid
	_rc=$?
	trap - INT TERM
	[ -n "${VM_DEBUG:-}" ] && vm_log "after wait: rc=$_rc size=$(wc -c < "$_dir/results.raw") qemu=$(pgrep -f "$_dir/console.log" | tr '\n' ' ')"
	tr -d '\r' < "$_dir/results.raw" > "$_dir/results.log"
	if [ $_rc -eq 124 ] || [ $_rc -eq 137 ]; then
		vm_log "timeout: the VM did not finish within ${_secs}s"
		return 124
	fi
	if [ $_rc -ne 0 ]; then
		vm_log "qemu exited $_rc: $(tail -n 3 "$_dir/qemu.log")"
		return 1
	fi
	grep -q "^$VM_END_MARKER" "$_dir/results.log" || {
		vm_log "the guest did not reach the end marker (crash or panic?)"
		return 1
	}
	return 0
}

# vm_splats CONSOLE_LOG - print every kernel splat with some context;
# return 0 when there is none.
VM_SPLAT_RE='WARNING:|BUG:|Oops|KASAN|possible .*locking|possible recursive locking|refcount_t:|list_add corruption|list_del corruption|general protection fault|Kernel panic|UBSAN:|Call Trace:|kernel BUG|INFO: task .* blocked'
#
# One splat is the emulator's, not the kernel's: under TCG, QEMU now and
# then delivers a single-step #DB to guest kernel code, and 6.12 answers
# with WARN_ON_ONCE(dr6 & DR_STEP) in exc_debug_kernel(), whose comment
# names QEMU leaking #DB into the guest as the known cause (the kernel never
# single-steps itself). A block whose WARNING is exactly that, and whose
# trace does not name the edgeai module, is left out of the scan and
# reported as a comment line; every other splat fails.
vm_tcg_db_filter() {
	tr -d '\r' < "$1" | awk '
		function flush(   i) { for (i = 1; i <= nb; i++) print blk[i]; nb = 0 }
		/-+\[ cut here \]-+/ { flush(); inblk = 1 }
		inblk { blk[++nb] = $0
			if ($0 ~ /WARNING: .* at arch\/x86\/kernel\/traps\.c:[0-9]+ exc_debug_kernel/) tcg = 1
			if ($0 ~ /\[edgeai\]/) ours = 1
			if ($0 ~ /---\[ end trace/) {
				if (tcg && !ours) {
					print "# left out: exc_debug_kernel DR_STEP warning (QEMU TCG #DB leak)"
					nb = 0
				} else flush()
				inblk = tcg = ours = 0
			}
			next }
		{ print }
		END { flush() }'
}

# With VM_ALLOC_FAULTS=1 (the debug lane, whose tests inject allocation
# failures through fail-nth) one more kind of block is left out: the
# kernel's report of a failed allocation (warn_alloc(): "page allocation
# failure" or "vmalloc error", then a stack dump up to </TASK>, at most 80
# lines), which an injected failure of an allocation without __GFP_NOWARN
# prints by design; it is reported as a comment line. Everything else in
# the console, bugs of the error paths those failures take included, is
# still scanned.
vm_alloc_report_filter() {
	if [ "${VM_ALLOC_FAULTS:-0}" != 1 ]; then
		cat
		return
	fi
	awk '
		/(page allocation failure: |vmalloc error: )/ {
			print "# left out: an injected allocation failure report (warn_alloc):" substr($0, 1, 160)
			skip = 80; next }
		skip > 0 { skip--; if ($0 ~ /<\/TASK>/) skip = 0; next }
		{ print }'
}

# The console log with the blocks above left out.
vm_console_scan() {
	vm_tcg_db_filter "$1" | vm_alloc_report_filter
}

vm_splats() {
	vm_console_scan "$1" | grep -n -E "$VM_SPLAT_RE" > /dev/null || return 0
	vm_console_scan "$1" | awk -v re="$VM_SPLAT_RE" '
		$0 ~ re { if (NR > to) print "---- console line " NR; from = NR; to = NR + 25 }
		NR >= from && NR <= to { print }
	' | head -n 200
	return 1
}

# vm_report DIR BOOT_RC COUNTS_FILE - turn DIR/results.log into one KTAP
# document: each guest program (framed by vm_program) becomes a subtest
# whose own TAP lines are indented, followed by the host checks "the guest
# reached the end marker" and "no kernel splat in the console log". Prints
# the final "N passed, N failed, N skipped" line, writes "P F S" to
# COUNTS_FILE and returns 0 iff nothing failed. Leaf tests are counted; a
# program that exits non-zero without a failing test line, or never
# finishes, counts as one failure.
vm_report() {
	_dir=$1 _boot=$2 _counts=$3
	vm_splats "$_dir/console.log" > "$_dir/splats.txt"
	_splat_rc=$?
	[ "$_splat_rc" = 0 ] &&
		vm_console_scan "$_dir/console.log" | grep '^# left out: ' > "$_dir/splats.txt"
	awk -v boot="$_boot" -v splat_rc="$_splat_rc" -v splatf="$_dir/splats.txt" \
		-v counts="$_counts" '
	function finish(rcv, done) {
		if (!inprog)
			return
		bad = (fails > fails0)
		if (!done) {
			out[++n] = "    # program did not finish (VM crash, panic or timeout)"
			fails++; bad = 1
		} else if (rcv != 0 && !bad) {
			out[++n] = "    # program exited " rcv " without a failing test line"
			fails++; bad = 1
		}
		top++
		out[++n] = (bad ? "not ok " : "ok ") top " " prog
		inprog = 0
	}
	/^# edgeai-vm: begin / { finish(0, 0); prog = $4; inprog = 1; fails0 = fails; next }
	/^# edgeai-vm: exit / { finish($5, 1); next }
	/^edgeai-vm: end of tests/ { next }
	inprog {
		out[++n] = "    " $0
		if ($0 ~ /^ok /) { if ($0 ~ /# SKIP/) skips++; else passes++ }
		else if ($0 ~ /^not ok /) fails++
		next
	}
	{ out[++n] = "# " $0 }
	END {
		finish(0, 0)
		top++
		if (boot == 0) { passes++; out[++n] = "ok " top " vm_reached_end_marker" }
		else {
			fails++
			out[++n] = "not ok " top " vm_reached_end_marker # " (boot == 124 ? "timeout" : "no end marker")
		}
		top++
		if (splat_rc == 0) {
			while ((getline line < splatf) > 0)
				out[++n] = line
			passes++; out[++n] = "ok " top " no_kernel_splat"
		}
		else {
			fails++
			while ((getline line < splatf) > 0)
				out[++n] = "# " line
			out[++n] = "not ok " top " no_kernel_splat"
		}
		print "KTAP version 1"
		print "1.." top
		for (i = 1; i <= n; i++)
			print out[i]
		print passes + 0 " passed, " fails + 0 " failed, " skips + 0 " skipped"
		print passes + 0, fails + 0, skips + 0 > counts
		exit fails > 0
	}' "$_dir/results.log"
}
