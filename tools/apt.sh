# Sourced by the install scripts: install Debian packages when we may, say what is missing otherwise.

# apt_install PACKAGE...: install with apt-get as root on Debian/Ubuntu and return 0;
# return 1 (installing nothing) anywhere else, so the caller can say what to install.
apt_install() {
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing $* with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        # explicit: errexit does not hold inside a function called as a condition
        if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }; then
            echo "apt-get could not install: $*" >&2
            exit 1
        fi
        return 0
    fi
    return 1
}
