/* Container ids: the same alphabet runc accepts ([A-Za-z0-9_+.-], not "."
 * or ".."), at most CONTAINER_ID_MAX bytes, so an id is always one safe path
 * component under the state root. */
#ifndef RUNUML_CONTAINER_ID_H
#define RUNUML_CONTAINER_ID_H

#include "rerr.h"

#define CONTAINER_ID_MAX 255

int container_id_validate(const char *id, struct rerr **err);

#endif
