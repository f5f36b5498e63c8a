import { z } from 'zod';

/** core_webservice_get_site_info: who the token belongs to and which functions its service allows. */
export const siteInfoSchema = z.object({
  sitename: z.string(),
  siteurl: z.string(),
  release: z.string(),
  version: z.string(),
  userid: z.number(),
  username: z.string(),
  firstname: z.string(),
  lastname: z.string(),
  fullname: z.string(),
  lang: z.string(),
  userissiteadmin: z.boolean(),
  siteid: z.number(),
  functions: z.array(z.object({ name: z.string(), version: z.string() })),
  advancedfeatures: z.array(z.object({ name: z.string(), value: z.number() })),
  downloadfiles: z.number(),
  uploadfiles: z.number(),
  theme: z.string(),
});
export type MoodleSiteInfo = z.infer<typeof siteInfoSchema>;

/** /login/token.php success. `privatetoken` is null unless the request came over HTTPS. */
export const loginTokenSchema = z.object({
  token: z.string().min(1),
  privatetoken: z.string().nullable().optional(),
});
export type MoodleLoginToken = z.infer<typeof loginTokenSchema>;

/** /login/token.php failure: a shape of its own, unlike the REST server's exception body. */
export const loginErrorSchema = z.object({
  error: z.string(),
  errorcode: z.string(),
  stacktrace: z.string().nullable().optional(),
  debuginfo: z.string().nullable().optional(),
  reproductionlink: z.string().nullable().optional(),
});
export type MoodleLoginErrorBody = z.infer<typeof loginErrorSchema>;
