# contrib/deb.mk: `make deb` builds the Debian package (debian/) from a
# clean copy of the tree in build/deb/src, so the build never writes in the
# source tree, and checks it with lintian; the .deb lands in build/deb/.
# `make deb-deps` installs what that needs (as root, like `make deps`).
# Included by the main Makefile.

# What building and checking the package needs beyond DEB_PKGS (which
# covers debian/control's Build-Depends).
DEB_BUILD_PKGS := debhelper dpkg-dev fakeroot lintian
# Jobs for the package's make; the machine is often shared.
DEB_JOBS       ?= 2
DEB_OUT        := $(B)/deb

.PHONY: deb deb-deps

deb-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) $(DEB_BUILD_PKGS)"

# The copy holds the files git knows (tracked or new, less the ignored
# ones), or, outside a git checkout, the tree less what builds make.
deb:
	rm -rf $(DEB_OUT) && mkdir -p $(DEB_OUT)/src
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	    git ls-files -z -co --exclude-standard | \
	        tar --null -T - --ignore-failed-read -cf - 2>/dev/null; \
	else tar --exclude=./build --exclude=./bin --exclude=./index \
	        --exclude=./tmp --exclude=./var --exclude=./.git -cf - .; fi | \
	    tar -xf - -C $(DEB_OUT)/src
	cd $(DEB_OUT)/src && dpkg-checkbuilddeps && \
	    DEB_BUILD_OPTIONS="parallel=$(DEB_JOBS) $(DEB_BUILD_OPTIONS)" \
	    dpkg-buildpackage -us -uc -b
	lintian --fail-on error --info $(DEB_OUT)/*.changes
	@ls $(DEB_OUT)/*.deb
