/* Launch document codec (see launch_doc.h). */
#include "launch_doc.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static struct json_object *src_to_json(const struct launch_src *s)
{
	struct json_object *o;

	if (!s->fstype)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "fstype", json_object_new_string(s->fstype));
	json_object_object_add(o, "source", json_object_new_string(s->source ? s->source : "none"));
	if (s->data)
		json_object_object_add(o, "data", json_object_new_string(s->data));
	if (s->file)
		json_object_object_add(o, "file", json_object_new_string(s->file));
	return o;
}

char *launch_doc_build(const struct launch_src *root, const struct launch_src *binds,
		       size_t n_binds, const char *config_json, size_t config_len,
		       struct rerr **err)
{
	struct json_object *doc, *config, *arr;
	char *out;

	config = oci_json_parse(config_json, config_len, err);
	if (!config)
		return NULL;
	doc = json_object_new_object();
	json_object_object_add(doc, "version", json_object_new_int(1));
	json_object_object_add(doc, "root", src_to_json(root));
	arr = json_object_new_array();
	for (size_t i = 0; i < n_binds; i++)
		json_object_array_add(arr, src_to_json(&binds[i]));
	json_object_object_add(doc, "binds", arr);
	json_object_object_add(doc, "config", config);
	out = strdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
						   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	if (!out)
		rerr_make(err, ENOMEM, "building the launch document");
	return out;
}

static int src_from_json(struct json_object *o, struct launch_src *s, struct rerr **err)
{
	static const char *const keys[] = { "fstype", "source", "data", "file" };
	char **dst[] = { &s->fstype, &s->source, &s->data, &s->file };

	memset(s, 0, sizeof(*s));
	if (!o || json_object_is_type(o, json_type_null))
		return 0;
	if (!json_object_is_type(o, json_type_object))
		return rerr_make(err, 0, "launch document: mount source is not an object");
	for (size_t i = 0; i < 4; i++) {
		struct json_object *v;
		if (!json_object_object_get_ex(o, keys[i], &v))
			continue;
		if (!json_object_is_type(v, json_type_string))
			return rerr_make(err, 0, "launch document: `%s` is not a string", keys[i]);
		*dst[i] = strdup(json_object_get_string(v));
		if (!*dst[i])
			return rerr_make(err, ENOMEM, "launch document");
	}
	if (!s->fstype)
		return rerr_make(err, 0, "launch document: mount source without fstype");
	return 0;
}

void launch_src_clear(struct launch_src *s)
{
	free(s->fstype);
	free(s->source);
	free(s->data);
	free(s->file);
	memset(s, 0, sizeof(*s));
}

struct launch_doc *launch_doc_parse(const char *text, size_t len, struct rerr **err)
{
	struct json_object *doc, *v, *binds;
	struct launch_doc *d;
	size_t n;

	doc = oci_json_parse(text, len, err);
	if (!doc)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d) {
		json_object_put(doc);
		rerr_make(err, ENOMEM, "launch document");
		return NULL;
	}
	if (!json_object_object_get_ex(doc, "config", &v)) {
		rerr_make(err, 0, "launch document: no config");
		goto fail;
	}
	d->spec = oci_spec_from_object(v, true, err);
	if (!d->spec)
		goto fail;
	if (!json_object_object_get_ex(doc, "root", &v) || src_from_json(v, &d->root, err) < 0 ||
	    !d->root.fstype) {
		rerr_make(err, 0, "launch document: no root");
		goto fail;
	}
	d->binds = calloc(d->spec->n_mounts + 1, sizeof(*d->binds));
	if (!d->binds) {
		rerr_make(err, ENOMEM, "launch document");
		goto fail;
	}
	if (json_object_object_get_ex(doc, "binds", &binds)) {
		if (!json_object_is_type(binds, json_type_array)) {
			rerr_make(err, 0, "launch document: binds is not an array");
			goto fail;
		}
		n = json_object_array_length(binds);
		if (n > d->spec->n_mounts) {
			rerr_make(err, 0, "launch document: more binds than mounts");
			goto fail;
		}
		for (size_t i = 0; i < n; i++)
			if (src_from_json(json_object_array_get_idx(binds, i), &d->binds[i], err) < 0)
				goto fail;
	}
	json_object_put(doc);
	return d;
fail:
	json_object_put(doc);
	launch_doc_free(d);
	return NULL;
}

void launch_doc_free(struct launch_doc *d)
{
	if (!d)
		return;
	launch_src_clear(&d->root);
	if (d->binds && d->spec)
		for (size_t i = 0; i < d->spec->n_mounts; i++)
			launch_src_clear(&d->binds[i]);
	free(d->binds);
	oci_spec_free(d->spec);
	free(d);
}
