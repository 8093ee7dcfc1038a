import { useEffect, useRef } from 'react';

let firstPage = true;

/**
 * The page's h1 and the document title. After a client-side navigation focus moves to the
 * heading, so a screen-reader or keyboard user starts at the new page, not at the old link.
 */
export function PageHeading({ title, children }: { title: string; children?: React.ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Trading Twin`;
    if (firstPage) firstPage = false;
    else heading.current?.focus();
  }, [title]);
  return (
    <div className="page-heading">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}
