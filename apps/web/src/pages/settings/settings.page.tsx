import { PageHeading } from '../../components/page-heading';
import { AuditSection, BrokersSection, SessionsSection } from './account-sections';
import { DataSection, PasswordSection, ProfileSection } from './profile-sections';

export default function SettingsPage() {
  return (
    <>
      <PageHeading title="Settings" />
      <div className="grid-2">
        <ProfileSection />
        <PasswordSection />
      </div>
      <BrokersSection />
      <SessionsSection />
      <AuditSection />
      <DataSection />
    </>
  );
}
