# contrib/install.mk: `make install` and `make uninstall`, included by the
# main Makefile. Installs the programs, their man pages, bash completion,
# the Neovim plugin, the default gazetteer and entity model, the nightly
# reindex job with its systemd units (system and per-user), the
# xapian-tcpsrv unit of a node of a distributed psearch, an example crontab
# line and the
# example configuration. PREFIX (default /usr/local) and DESTDIR as usual;
# every directory below may be overridden on the command line.
#
# The templates' @BINDIR@-style placeholders are filled in with the paths of
# this install on the way (sed into install's standard input, so nothing is
# written in the source or build tree: `sudo make install` leaves no
# root-owned file behind it). uninstall removes exactly the files install
# puts there, and the folders that are psearch's own once they are empty.

DESTDIR            ?=
BINDIR             ?= $(PREFIX)/bin
DATAROOTDIR        ?= $(PREFIX)/share
MANDIR             ?= $(DATAROOTDIR)/man
DOCDIR             ?= $(DATAROOTDIR)/doc/psearch
LIBEXECDIR         ?= $(PREFIX)/lib/psearch
# /usr's configuration lives in /etc, any other prefix's in PREFIX/etc.
SYSCONFDIR         ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
SYSTEMDUNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSTEMDUSERUNITDIR ?= $(PREFIX)/lib/systemd/user
BASHCOMPDIR        ?= $(DATAROOTDIR)/bash-completion/completions
NVIMPACKDIR        ?= $(DATAROOTDIR)/nvim/site/pack/psearch
# Not a setting: psearch-index looks for its default gazetteer and entity
# model (when none is beside the program, as in the build tree) here, a path
# compiled in from PREFIX (PS_DATADIR in the main Makefile).
PS_SHAREDIR        := $(PREFIX)/share/psearch

# Man pages are checked with groff (-ww) and mandoc -Tlint by the tests.
DEB_PKGS += groff-base man-db mandoc

PS_MAN1     := psearch.1 psearch-index.1
PS_MAN8     := psearchd.8 psearch-reindex.8
PS_UNITS    := psearchd.service psearch-reindex.service psearch-reindex.timer
# A node of a distributed psearch serves its index with xapian-tcpsrv: a
# system service only.
PS_SYSTEM_UNITS := psearch-tcpsrv.service
PS_COMPS    := psearch psearch-index psearchd
# The bash completion, made from the programs' option tables (their
# --dump-options) and the logic in contrib/completion/psearch.bash; built
# with the programs, so that install only copies it.
PS_COMPLETION := $(B)/completion/psearch.bash
PS_CONF     := $(SYSCONFDIR)/psearch/psearch.conf
PS_NVIM_SRC := $(if $(wildcard contrib/nvim),$(shell cd contrib/nvim && \
                   find . -type f ! -name '*~' ! -name '.*' | sed 's|^\./||' | sort))

# The plugin's help is indexed with Neovim's :helptags when nvim is there.
PS_NVIM_TAGS := $(if $(filter doc/%.txt,$(PS_NVIM_SRC)),doc/tags)

# Every file install writes (the configuration in $(SYSCONFDIR) aside: it is
# written only when absent and removed only when unchanged).
PS_INSTALLED = \
    $(PROGS:bin/%=$(BINDIR)/%) \
    $(PS_MAN1:%=$(MANDIR)/man1/%) $(PS_MAN8:%=$(MANDIR)/man8/%) \
    $(LIBEXECDIR)/psearch-reindex $(LIBEXECDIR)/libpsearch-engine.so \
    $(PS_UNITS:%=$(SYSTEMDUNITDIR)/%) $(PS_UNITS:%=$(SYSTEMDUSERUNITDIR)/%) \
    $(PS_SYSTEM_UNITS:%=$(SYSTEMDUNITDIR)/%) \
    $(DOCDIR)/examples/psearch.conf $(DOCDIR)/examples/psearch.cron \
    $(PS_SHAREDIR)/entities.tsv $(PS_SHAREDIR)/ner.model \
    $(PS_SHAREDIR)/quote.model \
    $(PS_COMPS:%=$(BASHCOMPDIR)/%) \
    $(PS_NVIM_SRC:%=$(NVIMPACKDIR)/start/psearch/%) \
    $(PS_NVIM_TAGS:%=$(NVIMPACKDIR)/start/psearch/%)

# The folders that are psearch's alone, deepest first, removed by
# uninstall when empty (and the plugin's pack folder, emptied of folders).
PS_OWN_DIRS = \
    $(DOCDIR)/examples $(DOCDIR) $(PS_SHAREDIR) $(SYSCONFDIR)/psearch \
    $(if $(filter %/psearch,$(LIBEXECDIR)),$(LIBEXECDIR))

PS_VERSION = $(shell bin/psearch-index --version 2>/dev/null | sed 's/^[^ ]* //')
PS_SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' \
    -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
    -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
    -e 's|@DATADIR@|$(PS_SHAREDIR)|g' \
    -e 's|@DOCDIR@|$(DOCDIR)|g' \
    -e 's|@SYSTEMDUNITDIR@|$(SYSTEMDUNITDIR)|g' \
    -e 's|@SYSTEMDUSERUNITDIR@|$(SYSTEMDUSERUNITDIR)|g' \
    -e 's|@VERSION@|$(PS_VERSION)|g'

# ps_subst_install MODE SOURCE DEST: SOURCE with the paths filled in, as
# DEST, echoing what it does.
ps_subst_install = echo 'sed ... $(2) | install -D -m $(1) /dev/stdin "$(DESTDIR)$(3)"' && \
    $(PS_SUBST) $(2) | install -D -m $(1) /dev/stdin "$(DESTDIR)$(3)"

.PHONY: install uninstall install-check-prefix

all: $(PS_COMPLETION)

$(PS_COMPLETION): contrib/completion/psearch.bash contrib/completion/build.sh \
                  $(PROGS)
	contrib/completion/build.sh bin $@

# psearch-index's default gazetteer is compiled in from PREFIX: binaries
# built for one PREFIX and installed under another would look for it in
# the wrong place. `all` rebuilds them for this PREFIX (the main Makefile's
# path-flags), so this only refuses programs that make was told not to
# rebuild (make -o all install), with the way out.
install-check-prefix: all
	@bin/psearch-index --help | grep -qF ' $(PS_SHAREDIR)/entities.tsv)' || { \
	    echo "install: bin/psearch-index was built for another PREFIX: it would" \
	         "not find its gazetteer in $(PS_SHAREDIR)." >&2; \
	    echo "install: rebuild for this one first:" \
	         "make PREFIX=$(PREFIX)" >&2; exit 1; }

install: install-check-prefix
	install -D -m 755 -t "$(DESTDIR)$(BINDIR)" $(PROGS)
	install -D -m 644 $(ENGINE) "$(DESTDIR)$(LIBEXECDIR)/libpsearch-engine.so"
	@$(foreach f,$(PS_MAN1),$(call ps_subst_install,644,contrib/man/$(f),$(MANDIR)/man1/$(f)) && ) true
	@$(foreach f,$(PS_MAN8),$(call ps_subst_install,644,contrib/man/$(f),$(MANDIR)/man8/$(f)) && ) true
	@$(call ps_subst_install,755,contrib/cron/psearch-reindex,$(LIBEXECDIR)/psearch-reindex)
	@$(foreach f,$(PS_UNITS),$(call ps_subst_install,644,contrib/systemd/$(f),$(SYSTEMDUNITDIR)/$(f)) && ) true
	@$(foreach f,$(PS_UNITS),$(call ps_subst_install,644,contrib/systemd/user/$(f),$(SYSTEMDUSERUNITDIR)/$(f)) && ) true
	@$(foreach f,$(PS_SYSTEM_UNITS),$(call ps_subst_install,644,contrib/systemd/$(f),$(SYSTEMDUNITDIR)/$(f)) && ) true
	install -D -m 644 contrib/cron/psearch.conf "$(DESTDIR)$(DOCDIR)/examples/psearch.conf"
	@$(call ps_subst_install,644,contrib/cron/psearch.cron,$(DOCDIR)/examples/psearch.cron)
	@if [ -e "$(DESTDIR)$(PS_CONF)" ]; then \
	    echo "install: kept the existing $(DESTDIR)$(PS_CONF)"; \
	else echo 'install -D -m 644 contrib/cron/psearch.conf "$(DESTDIR)$(PS_CONF)"'; \
	    install -D -m 644 contrib/cron/psearch.conf "$(DESTDIR)$(PS_CONF)"; fi
	install -D -m 644 corpus/entities.tsv "$(DESTDIR)$(PS_SHAREDIR)/entities.tsv"
	install -D -m 644 corpus/ner.model "$(DESTDIR)$(PS_SHAREDIR)/ner.model"
	install -D -m 644 corpus/quote.model "$(DESTDIR)$(PS_SHAREDIR)/quote.model"
	for p in $(PS_COMPS); do \
	    install -D -m 644 $(PS_COMPLETION) "$(DESTDIR)$(BASHCOMPDIR)/$$p" || exit 1; done
	@for f in $(PS_NVIM_SRC); do \
	    echo "install -D -m 644 contrib/nvim/$$f $(DESTDIR)$(NVIMPACKDIR)/start/psearch/$$f"; \
	    install -D -m 644 "contrib/nvim/$$f" "$(DESTDIR)$(NVIMPACKDIR)/start/psearch/$$f" || exit 1; done
	@if [ -n "$(PS_NVIM_TAGS)" ] && command -v nvim >/dev/null 2>&1; then \
	    echo "nvim --headless -u NONE -i NONE -c 'helptags .../start/psearch/doc' -c q"; \
	    nvim --headless -u NONE -i NONE \
	        -c "helptags $(DESTDIR)$(NVIMPACKDIR)/start/psearch/doc" -c q </dev/null; fi
	@if [ -z "$(DESTDIR)" ]; then \
	    echo "install: done. Next: systemctl daemon-reload (system units)," \
	         "or systemctl --user daemon-reload; see psearch-reindex(8)."; fi

uninstall:
	rm -f $(foreach f,$(PS_INSTALLED),"$(DESTDIR)$(f)")
	@if [ -f "$(DESTDIR)$(PS_CONF)" ]; then \
	    if cmp -s contrib/cron/psearch.conf "$(DESTDIR)$(PS_CONF)"; then \
	        echo 'rm -f "$(DESTDIR)$(PS_CONF)"'; rm -f "$(DESTDIR)$(PS_CONF)"; \
	    else echo "uninstall: kept $(DESTDIR)$(PS_CONF): it was changed"; fi; fi
	@for d in $(PS_OWN_DIRS); do \
	    [ ! -d "$(DESTDIR)$$d" ] || rmdir "$(DESTDIR)$$d" 2>/dev/null || true; done
	@[ ! -d "$(DESTDIR)$(NVIMPACKDIR)" ] || \
	    find "$(DESTDIR)$(NVIMPACKDIR)" -depth -type d -empty -delete
