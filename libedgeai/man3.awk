# SPDX-License-Identifier: MIT
#
# Split the `kernel-doc -man` output of edgeai.h into one libedgeai(3) page
# per function, struct and enum: DIR/NAME.3, with NAME the function or type
# name ("struct " and "enum " dropped) and a section 3 title line.
#
#   kernel-doc -man edgeai.h | awk -v dir=DIR -v date=D -v version=V -f man3.awk
/^\.TH / {
	n = split($0, f, "\"")
	# .TH "title" 9 "name" "date" "manual" LINUX -> f[2] title, f[4] name
	name = (n >= 4 && f[4] != "") ? f[4] : f[2]
	sub(/^(struct|enum|union|typedef) /, "", name)
	if (out != "")
		close(out)
	out = dir "/" name ".3"
	printf ".TH \"%s\" 3 \"%s\" \"libedgeai %s\" \"libedgeai Manual\"\n", name, date, version > out
	next
}
# whatis(1) wants the page's own name first: "struct edgeai_x \- what"
# becomes "edgeai_x \- struct edgeai_x: what"
prev == ".SH NAME" && match($0, /^(struct|enum|union) /) {
	word = substr($0, 1, RLENGTH - 1)
	rest = substr($0, RLENGTH + 1)
	i = index(rest, " \\- ")
	if (i > 0) {
		nm = substr(rest, 1, i - 1)
		$0 = nm " \\- " word " " nm ": " substr(rest, i + 4)
	}
}
# the visibility macro is no part of the prototype a reader needs
{ gsub(/EDGEAI_PUBLIC /, "") }
prev == ".SH SYNOPSIS" && out != "" {
	print ".B #include <edgeai/edgeai.h>" > out
	print ".sp" > out
}
{ prev = $0 }
out != "" { print > out }
