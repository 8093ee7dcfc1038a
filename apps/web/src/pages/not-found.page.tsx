import { Link } from 'wouter';
import { PageHeading } from '../components/page-heading';

export default function NotFoundPage() {
  return (
    <>
      <PageHeading title="Page not found" />
      <p>
        There is nothing at this address. <Link href="/trades">Go to your trades</Link>.
      </p>
    </>
  );
}
