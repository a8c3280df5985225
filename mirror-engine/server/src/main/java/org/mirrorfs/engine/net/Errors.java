package org.mirrorfs.engine.net;

import java.io.FileNotFoundException;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.InvalidPathException;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.PathIsDirectoryException;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.mirrorfs.protocol.message.ErrorKind;

/** Maps engine-side failures to the wire's error kinds, which the client maps back to Hadoop types. */
final class Errors {
  private Errors() {}

  static ErrorKind kindOf(Throwable t) {
    if (t instanceof FileNotFoundException) {
      return ErrorKind.FILE_NOT_FOUND;
    }
    if (t instanceof FileAlreadyExistsException) {
      return ErrorKind.FILE_ALREADY_EXISTS;
    }
    if (t instanceof ParentNotDirectoryException) {
      return ErrorKind.PARENT_NOT_DIRECTORY;
    }
    if (t instanceof PathIsDirectoryException) {
      return ErrorKind.PATH_IS_DIRECTORY;
    }
    if (t instanceof PathIsNotEmptyDirectoryException) {
      return ErrorKind.DIRECTORY_NOT_EMPTY;
    }
    if (t instanceof IllegalArgumentException || t instanceof InvalidPathException) {
      return ErrorKind.INVALID_ARGUMENT;
    }
    return ErrorKind.IO;
  }

  static String messageOf(Throwable t) {
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
