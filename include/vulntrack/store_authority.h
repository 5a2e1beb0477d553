/*
 * store_authority.h - rows of the authority report submissions and of the
 * EU CRA report stages (tables authority_submissions and cra_stages,
 * migrations 4 and 5). Used by src/domain/authority.c only; writes run in
 * the caller's transaction.
 */
#ifndef VULNTRACK_STORE_AUTHORITY_H
#define VULNTRACK_STORE_AUTHORITY_H

#include "common.h"
#include "store.h"

/* A submission row; strings borrowed for the call (insert) or valid during `each`. */
typedef struct vt_store_authority_submission {
    int64_t id;
    int64_t case_id;
    int64_t submitted_ms;
    const char *receipt_number; /* NULL when none */
    const char *report_sha256;  /* hex */
    const char *report_json;
    const char *actor;
    int64_t recorded_ms;
} vt_store_authority_submission;

/** Insert a submission row; *id (may be NULL) gets its id. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_authority_submission_insert(vt_store *w,
                                                   const vt_store_authority_submission *row,
                                                   int64_t *id, vt_error *err);

/** Call `each` for every submission of the case, oldest first. Returns 0, VT_EIO or each's code. */
VT_EXTERN int
vt_store_authority_submissions_each(vt_store *s, int64_t case_id,
                                    int (*each)(void *ctx, const vt_store_authority_submission *r),
                                    void *ctx, vt_error *err);

/* A CRA stage row; strings borrowed as above. */
typedef struct vt_store_cra_stage {
    int64_t case_id;
    const char *stage;
    const char *fields; /* JSON object text */
    bool submitted;
    int64_t submitted_ms;
    const char *evidence; /* NULL when none */
    const char *actor;
    int64_t updated_ms;
} vt_store_cra_stage;

/** Call `each` for every stored stage of the case (by stage). Returns 0, VT_EIO or each's code. */
VT_EXTERN int vt_store_cra_stages_each(vt_store *s, int64_t case_id,
                                       int (*each)(void *ctx, const vt_store_cra_stage *r),
                                       void *ctx, vt_error *err);

/**
 * Insert or replace the fields of (case, stage) with actor and time; the
 * submission members of an existing row are kept. Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_cra_stage_put(vt_store *w, const vt_store_cra_stage *row, vt_error *err);

/**
 * Mark (case, stage) submitted (the row must exist and not be submitted):
 * *changed says whether a row was updated. Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_cra_stage_submit(vt_store *w, int64_t case_id, const char *stage,
                                        int64_t submitted_ms, const char *evidence,
                                        const char *actor, int64_t now_ms, bool *changed,
                                        vt_error *err);

#endif
