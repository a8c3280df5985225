package org.mirrorfs.protocol.message;

/** Error categories that the client maps onto Hadoop's exception types. */
public enum ErrorKind {
  FILE_NOT_FOUND,
  FILE_ALREADY_EXISTS,
  PARENT_NOT_DIRECTORY,
  PATH_IS_DIRECTORY,
  DIRECTORY_NOT_EMPTY,
  INVALID_ARGUMENT,
  NOT_PRIMARY,
  IO
}
