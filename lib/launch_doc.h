/* The launch document: what the monitor tells the guest init (CTL_SPEC).
 * It carries the container's config.json plus a mount plan that says how
 * each host-backed file system reaches the guest (the root and every bind
 * mount), so init never needs to know which transport the host chose.
 *
 *   { "version": 1,
 *     "root":   { "fstype": "9p", "source": "rootfs", "data": "trans=virtio,…" },
 *     "binds":  [ null | { "fstype":…, "source":…, "data":…, "file": "name" } … ],
 *     "config": { …config.json… } }
 *
 * "binds" is parallel to config.mounts; null for mounts init makes itself
 * (proc, tmpfs, …).  "file" names the file inside the mounted source when the
 * bind mount is a single file. */
#ifndef RUNUML_LAUNCH_DOC_H
#define RUNUML_LAUNCH_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "oci_spec.h"
#include "rerr.h"

struct launch_src {
	char *fstype;   /* NULL: not host-backed */
	char *source;
	char *data;
	char *file;     /* single-file bind: name inside the mounted source */
};

struct launch_doc {
	struct launch_src root;
	struct launch_src *binds;  /* spec->n_mounts entries */
	struct oci_spec *spec;
};

/* Serializes (monitor side).  config_json is the raw config.json text. */
char *launch_doc_build(const struct launch_src *root, const struct launch_src *binds,
		       size_t n_binds, const char *config_json, size_t config_len,
		       struct rerr **err);
/* Parses (guest side). */
struct launch_doc *launch_doc_parse(const char *text, size_t len, struct rerr **err);
void launch_doc_free(struct launch_doc *d);
void launch_src_clear(struct launch_src *s);

#endif
