/**
 * The file names the seeded bugs pick their victims by, as Redis 7.0 names them.
 */
/** Redis's temp RDB name (`temp-<pid>.rdb`), as SAVE and the BGSAVE child write it. */
export const tempRdbPattern = /temp-\d+\.rdb$/;
/** An incr file of the multi-part AOF (`appendonlydir/<appendfilename>.<seq>.incr.aof`). */
export const incrAofPattern = /\/appendonlydir\/[^/]+\.\d+\.incr\.aof$/;
/** The rewrite child's temp base (`temp-rewriteaof-bg-<pid>.aof`). */
export const tempRewriteBasePattern = /temp-rewriteaof-bg-\d+\.aof$/;
