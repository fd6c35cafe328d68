/** The client went away before the upload ended; nobody is left to answer. */
export class UploadAborted extends Error {
  override name = 'UploadAborted';
}
