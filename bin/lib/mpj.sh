# shellcheck shell=bash
# MPJ Express for Cohort: an MPJ_HOME that works, and the link that turns on the Maven profile.
# Sourced by bin/test and bin/cohort. Functions print only their result on stdout; messages go to
# stderr.
#
# Which MPJ_HOME (cohort_mpj_home):
#   1. $MPJ_HOME when it has lib/mpj.jar (a cluster installation, or one made by hand);
#   2. Debian's libmpj-java (/usr/share/mpj/lib, /etc/mpj): its jars need log4j 1.2 beside them and a
#      conf/ directory in the same home, which the package does not lay out, so a private home is made
#      in the user's cache, $cache/mpj-home, with lib/ (copies of the package's jars and of
#      log4j-1.2.jar) and conf/ (a copy of /etc/mpj). It is made again when the package's mpj.jar is
#      newer than the copy.
# The home's lib/mpj.jar is linked at $cache/mpj/mpj.jar (cohort_mpj_link): the parent pom's "mpj"
# profile, which builds transports/mpj, is active when that file exists. log4j-1.2.jar is linked
# beside it, because mpj.jar's manifest names it relative to the jar (the tests load MPJ from there).

cohort_cache_dir() {
    printf '%s' "${COHORT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cohort}"
}

# The link the Maven build compiles against.
cohort_mpj_link() {
    printf '%s/mpj/mpj.jar' "$(cohort_cache_dir)"
}

# Makes (when needed) and prints the private MPJ_HOME built from Debian's package.
cohort_mpj_private_home() {
    local pkg_lib=${COHORT_MPJ_PKG_LIB:-/usr/share/mpj/lib} pkg_conf=${COHORT_MPJ_PKG_CONF:-/etc/mpj}
    local home log4j f tmp jar
    if [ ! -f "$pkg_lib/mpj.jar" ]; then
        echo "cohort: MPJ Express is not installed (no $pkg_lib/mpj.jar); on Debian: apt-get install libmpj-java, or set MPJ_HOME" >&2
        return 1
    fi
    log4j=""
    for f in /usr/share/java/log4j-1.2.jar /usr/share/java/log4j-1.2.17.jar; do
        if [ -f "$f" ]; then log4j=$(readlink -f "$f"); break; fi
    done
    if [ -z "$log4j" ]; then
        echo "cohort: MPJ Express needs log4j 1.2 (/usr/share/java/log4j-1.2.jar); on Debian: apt-get install liblog4j1.2-java" >&2
        return 1
    fi
    home="$(cohort_cache_dir)/mpj-home"
    if [ -f "$home/lib/log4j-1.2.jar" ] && [ -f "$home/lib/mpj.jar" ] && [ -d "$home/conf" ] &&
        [ ! "$(readlink -f "$pkg_lib/mpj.jar")" -nt "$home/lib/mpj.jar" ]; then
        printf '%s' "$home"
        return 0
    fi
    # Built beside its final place and renamed into it, so a concurrent caller never sees half a home.
    mkdir -p "$(dirname "$home")" || return 1
    tmp=$(mktemp -d "$home.XXXXXX") || return 1
    mkdir -p "$tmp/lib"
    for jar in "$pkg_lib"/*.jar; do
        cp "$(readlink -f "$jar")" "$tmp/lib/$(basename "$jar")" || { rm -rf "$tmp"; return 1; }
    done
    cp "$log4j" "$tmp/lib/log4j-1.2.jar"
    if [ -d "$pkg_conf" ]; then cp -r "$pkg_conf" "$tmp/conf"; else mkdir -p "$tmp/conf"; fi
    rm -rf "$home.old"
    if [ -e "$home" ]; then mv "$home" "$home.old" 2>/dev/null || true; fi
    mv "$tmp" "$home" 2>/dev/null || rm -rf "$tmp"   # a concurrent caller may have won: its home is as good
    rm -rf "$home.old"
    echo "cohort: made an MPJ_HOME for Debian's libmpj-java at $home" >&2
    printf '%s' "$home"
}

# The MPJ_HOME to use: $MPJ_HOME when it is an installation, else the private one. Fails when there is none.
cohort_mpj_home() {
    if [ -n "${MPJ_HOME:-}" ]; then
        if [ -f "$MPJ_HOME/lib/mpj.jar" ]; then
            printf '%s' "$MPJ_HOME"
            return 0
        fi
        echo "cohort: MPJ_HOME=$MPJ_HOME has no lib/mpj.jar; ignoring it" >&2
    fi
    cohort_mpj_private_home
}

# Finds or makes the MPJ_HOME, links its mpj.jar where the build looks, and prints the home.
cohort_mpj_setup() {
    local home link
    home=$(cohort_mpj_home) || return 1
    link=$(cohort_mpj_link)
    mkdir -p "$(dirname "$link")" || return 1
    local name target
    for name in log4j-1.2.jar mpj.jar; do    # mpj.jar last: its appearance turns the profile on
        target="$home/lib/$name"
        [ -f "$target" ] || continue
        if [ "$(readlink "$(dirname "$link")/$name" 2>/dev/null)" != "$target" ]; then
            ln -sfn "$target" "$(dirname "$link")/$name.tmp.$$" && mv -f "$(dirname "$link")/$name.tmp.$$" "$(dirname "$link")/$name"
        fi
    done
    printf '%s' "$home"
}
