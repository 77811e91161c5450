# shellcheck shell=bash
# Open MPI's Java bindings for Cohort: where mpi.jar and libmpi_java are, and building mpi.jar when
# the system has only the native library (Debian ships libmpi_java.so but not mpi.jar).
# Sourced by bin/setup-native, bin/test and bin/cohort. Functions print to stdout only their result;
# progress goes to stderr.
#
# Discovery order for mpi.jar (the first that exists wins):
#   1. $COHORT_OMPI_JAR                          an explicit path
#   2. $OMPI_HOME/lib/mpi.jar                    an Open MPI installation named by the user
#   3. $(ompi_info --path libdir)/mpi.jar        the Open MPI on PATH (clusters, source builds)
#   4. the -cp of `mpijavac --showme`            the same, as Open MPI's javac wrapper sees it
#   5. $cache/openmpi-VERSION/mpi.jar            built earlier by cohort_ompi_build_jar
# The jar found is linked at $cache/openmpi/mpi.jar: the Maven profile that builds the
# transports/openmpi module is activated by that file, and bin/cohort puts it on the class path.

cohort_cache_dir() {
    printf '%s' "${COHORT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cohort}"
}

# The link the build and bin/cohort use.
cohort_ompi_link() {
    printf '%s/openmpi/mpi.jar' "$(cohort_cache_dir)"
}

# Open MPI's version (e.g. 4.1.4), from ompi_info, else from dpkg; empty when Open MPI is absent.
cohort_ompi_version() {
    local v=""
    if command -v ompi_info >/dev/null 2>&1; then
        v=$(ompi_info --parsable --version 2>/dev/null | sed -n 's/^ompi:version:full:\(.*\)$/\1/p')
        [ -n "$v" ] || v=$(ompi_info -V 2>/dev/null | sed -n 's/^Open MPI v\([0-9][0-9.]*\).*/\1/p')
        v=${v%%$'\n'*}   # the first match; no `| head`, whose early exit would fail the pipeline under pipefail
    fi
    if [ -z "$v" ] && command -v dpkg-query >/dev/null 2>&1; then
        v=$(dpkg-query -W -f='${Version}' libopenmpi-dev 2>/dev/null | sed 's/-.*//; s/^[0-9]*://')
    fi
    printf '%s' "$v"
}

# The library directory ompi_info reports; empty without ompi_info. The first match is taken in bash:
# `| head -n 1` would exit early and fail the pipeline under pipefail.
cohort_ompi_info_libdir() {
    local d=""
    if command -v ompi_info >/dev/null 2>&1; then
        d=$(ompi_info --path libdir 2>/dev/null | sed -n 's/^ *Libdir: *//p')
    fi
    printf '%s' "${d%%$'\n'*}"
}

# Open MPI's library directory (where libmpi_java.so lives); empty when unknown.
cohort_ompi_libdir() {
    local d="" f
    d=$(cohort_ompi_info_libdir)
    if [ -n "$d" ] && [ -e "$d/libmpi_java.so" ]; then printf '%s' "$d"; return 0; fi
    if [ -n "${OMPI_HOME:-}" ] && [ -e "$OMPI_HOME/lib/libmpi_java.so" ]; then printf '%s' "$OMPI_HOME/lib"; return 0; fi
    for f in /usr/lib/*-linux-gnu/libmpi_java.so /usr/lib64/openmpi/lib/libmpi_java.so /usr/lib/libmpi_java.so; do
        if [ -e "$f" ]; then dirname "$f"; return 0; fi
    done
    printf '%s' "$d"
}

# An existing mpi.jar, by the discovery order above; empty when there is none.
cohort_ompi_find_jar() {
    local j d ver
    for j in "${COHORT_OMPI_JAR:-}" "${OMPI_HOME:+$OMPI_HOME/lib/mpi.jar}"; do
        if [ -n "$j" ] && [ -f "$j" ]; then printf '%s' "$j"; return 0; fi
    done
    d=$(cohort_ompi_info_libdir)
    if [ -n "$d" ] && [ -f "$d/mpi.jar" ]; then printf '%s' "$d/mpi.jar"; return 0; fi
    if command -v mpijavac >/dev/null 2>&1; then
        for j in $(mpijavac --showme 2>/dev/null | tr ' :' '\n\n' | grep '/mpi\.jar$'); do
            if [ -f "$j" ]; then printf '%s' "$j"; return 0; fi
        done
    fi
    ver=$(cohort_ompi_version)
    j="$(cohort_cache_dir)/openmpi-$ver/mpi.jar"
    if [ -n "$ver" ] && [ -f "$j" ]; then printf '%s' "$j"; return 0; fi
    return 1
}

# Builds mpi.jar from Debian's source package of the installed Open MPI into the cache. Needs
# apt-get (and root when no deb-src entry exists yet) and a JDK. Prints the jar's path.
cohort_ompi_build_jar() {
    local ver cache jar work
    ver=$(dpkg-query -W -f='${Version}' libopenmpi-dev 2>/dev/null | sed 's/-.*//; s/^[0-9]*://')
    if [ -z "$ver" ]; then
        echo "cohort: libopenmpi-dev is not installed (apt-get install openmpi-bin libopenmpi-dev)" >&2
        return 1
    fi
    cache=$(cohort_cache_dir)
    jar="$cache/openmpi-$ver/mpi.jar"
    if [ -f "$jar" ]; then printf '%s' "$jar"; return 0; fi
    command -v apt-get >/dev/null 2>&1 || { echo "cohort: apt-get is needed to fetch Open MPI's sources" >&2; return 1; }
    command -v javac >/dev/null 2>&1 || { echo "cohort: javac is needed to build mpi.jar" >&2; return 1; }
    if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "cohort: no deb-src entry in /etc/apt; as root run bin/setup-native once to add one" >&2
            return 1
        fi
        echo "cohort: adding a deb-src entry (/etc/apt/sources.list.d/cohort-src.sources)" >&2
        local suite
        suite=$(. /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-stable}")
        printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            "${suite:-stable}" >/etc/apt/sources.list.d/cohort-src.sources
        apt-get update -qq >&2 || return 1
    fi
    work=$(mktemp -d "${TMPDIR:-/tmp}/cohort-ompi-src.XXXXXX") || return 1
    echo "cohort: building mpi.jar for Open MPI $ver from Debian's source package (once)" >&2
    if ! (cd "$work" && apt-get source --download-only -qq "openmpi=$(dpkg-query -W -f='${Version}' libopenmpi-dev)" >&2 ||
        apt-get source --download-only -qq openmpi >&2); then
        echo "cohort: apt-get source openmpi failed" >&2
        rm -rf "$work"
        return 1
    fi
    (cd "$work" && tar xf openmpi_*.orig.tar.*) || { rm -rf "$work"; return 1; }
    mkdir -p "$work/classes" "$(dirname "$jar")"
    if ! javac -nowarn -encoding UTF-8 -d "$work/classes" "$work"/openmpi-*/ompi/mpi/java/java/*.java >&2 2>/dev/null; then
        echo "cohort: compiling Open MPI's Java sources failed" >&2
        rm -rf "$work"
        return 1
    fi
    jar cf "$jar.tmp" -C "$work/classes" . && mv "$jar.tmp" "$jar"
    rm -rf "$work"
    printf '%s' "$jar"
}

# Finds mpi.jar, or builds it on Debian when allowed (COHORT_OMPI_BUILD != 0), and links it at
# cohort_ompi_link. Prints the jar's path; fails (status 1) when there is none.
cohort_ompi_setup() {
    local jar link
    jar=$(cohort_ompi_find_jar) || jar=""
    if [ -z "$jar" ] && [ "${COHORT_OMPI_BUILD:-1}" != 0 ] && [ -r /etc/debian_version ]; then
        jar=$(cohort_ompi_build_jar) || jar=""
    fi
    [ -n "$jar" ] || return 1
    link=$(cohort_ompi_link)
    mkdir -p "$(dirname "$link")"
    if [ "$(readlink -f "$link" 2>/dev/null)" != "$(readlink -f "$jar")" ]; then ln -sfn "$jar" "$link"; fi
    printf '%s' "$jar"
}

# Where the transport of checkout ROOT looks for Cohort's native helper (see Pinned.java): a file named
# by the helper's ABI (COHORT_ABI in its source), so that checkouts of other versions sharing the cache
# (a CI clone of an older commit) build their own beside it instead of replacing it with one this
# checkout's Java side would refuse as stale.
cohort_ompi_native() { # cohort_ompi_native ROOT
    local abi
    abi=$(sed -n 's/^#define COHORT_ABI \([0-9][0-9]*\).*/\1/p' "$1/transports/openmpi/src/main/c/cohort_openmpi.c" 2>/dev/null)
    printf '%s/openmpi/libcohort_openmpi.abi%s.so' "$(cohort_cache_dir)" "${abi:-unknown}"
}

# Builds Cohort's native helper for the openmpi transport (transports/openmpi/src/main/c) with the
# installed mpicc against a JDK's JNI headers, when it is missing or older than its source. Prints its
# path; fails (status 1, reason on stderr) without mpicc or jni.h, and the transport then stages.
cohort_ompi_build_native() {
    local src out jdk inc tmp
    src="$1/transports/openmpi/src/main/c/cohort_openmpi.c"
    out=$(cohort_ompi_native "$1")
    [ -f "$src" ] || { echo "cohort: $src is missing" >&2; return 1; }
    if [ -f "$out" ] && [ "$out" -nt "$src" ]; then printf '%s' "$out"; return 0; fi
    command -v mpicc >/dev/null 2>&1 || { echo "cohort: no mpicc (Debian: apt-get install libopenmpi-dev); the openmpi transport will stage heap arrays" >&2; return 1; }
    jdk=${JAVA_HOME:-}
    if [ -z "$jdk" ] && command -v javac >/dev/null 2>&1; then jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")"); fi
    inc="$jdk/include"
    [ -f "$inc/jni.h" ] || { echo "cohort: no jni.h under ${jdk:-JAVA_HOME}; the openmpi transport will stage heap arrays" >&2; return 1; }
    mkdir -p "$(dirname "$out")"
    tmp="$out.$$.tmp"
    if ! mpicc -O2 -shared -fPIC -Wall -I"$inc" -I"$inc/linux" -o "$tmp" "$src" >&2; then
        rm -f "$tmp"
        echo "cohort: compiling $src failed; the openmpi transport will stage heap arrays" >&2
        return 1
    fi
    mv "$tmp" "$out"
    printf '%s' "$out"
}
