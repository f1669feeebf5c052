#!/bin/sh
# Fetch the real float .tflite models of the quantization corpus from npm
# (pinned package versions, sha256 of the package and of each model
# checked) into ${EDGEAI_CACHE:-$HOME/.cache/edgeai}/models/.
#
#   tests/models/fetch.sh          prints the model directory on success
#
# Models (all float32 graphs with fp16 weights behind DEQUANTIZE):
#   face_detection_short_range  BlazeFace short range, @mediapipe/face_detection
#   face_detection_full_range   BlazeFace full range,  @mediapipe/face_detection
#   hand_landmark_lite          hand landmarks (lite), @mediapipe/hands
#
# Exit 0 on success, 1 when a download or a checksum fails.
set -eu

cache=${EDGEAI_CACHE:-$HOME/.cache/edgeai}/models
mkdir -p "$cache/npm"

# package version tarball-sha256
PKGS='@mediapipe/face_detection 0.4.1657300184 a118cde74923dc4435257fbfbb613464a0f58d115dff6314d4ff96c8aebf6419
@mediapipe/hands 0.4.1675469240 bdd5be939c60cbd72a49f4b6141407683cf2a67263598e1a44757d70b3dfcb8a'
# model package sha256
MODELS='face_detection_short_range @mediapipe/face_detection 3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633
face_detection_full_range @mediapipe/face_detection 99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3
hand_landmark_lite @mediapipe/hands d7fde8ac11f8ce03f8663775bfc323f4fc9f2a38062b4f4efa142874ef5b2a48'

tarball() { # package version -> cached tarball path
	echo "$cache/npm/$(echo "$1" | sed 's|^@||; s|/|-|')-$2.tgz"
}

echo "$PKGS" | while read -r pkg ver sum; do
	tgz=$(tarball "$pkg" "$ver")
	if [ ! -f "$tgz" ]; then
		tmp=$(mktemp -d "$cache/npm/fetch.XXXXXX")
		echo "models: npm pack $pkg@$ver" >&2
		if ! (cd "$tmp" && npm pack --silent "$pkg@$ver" > /dev/null 2>&1); then
			rm -rf "$tmp"
			echo "models: npm pack $pkg@$ver failed" >&2
			exit 1
		fi
		mv "$tmp"/*.tgz "$tgz.part" && rm -rf "$tmp"
		mv "$tgz.part" "$tgz"
	fi
	got=$(sha256sum "$tgz" | cut -d' ' -f1)
	if [ "$got" != "$sum" ]; then
		echo "models: sha256 mismatch for $tgz: $got, want $sum" >&2
		rm -f "$tgz"
		exit 1
	fi
done

echo "$MODELS" | while read -r name pkg sum; do
	out=$cache/$name.tflite
	if [ ! -f "$out" ] || [ "$(sha256sum "$out" | cut -d' ' -f1)" != "$sum" ]; then
		ver=$(echo "$PKGS" | awk -v p="$pkg" '$1 == p { print $2 }')
		tar -xzOf "$(tarball "$pkg" "$ver")" "package/$name.tflite" > "$out.part"
		got=$(sha256sum "$out.part" | cut -d' ' -f1)
		if [ "$got" != "$sum" ]; then
			echo "models: sha256 mismatch for $name.tflite: $got, want $sum" >&2
			rm -f "$out.part"
			exit 1
		fi
		mv "$out.part" "$out"
	fi
done
echo "$cache"
