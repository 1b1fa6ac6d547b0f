import { Fragment } from 'react';

/**
 * Text with line-break opportunities after "@", "/" and ":", so long emails, paths and URIs wrap at
 * sensible points in narrow table columns instead of widening the table.
 */
export function Breakable({ text }: { text: string }) {
  const parts = text.split(/(?<=[@/:])/);
  if (parts.length < 2) return <>{text}</>;
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </>
  );
}
