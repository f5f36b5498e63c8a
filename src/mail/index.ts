// E-mail: an outbox in the store (written with the change it tells about) and its SMTP sender.
export { mailMigrations } from './migrations.js';
export { MailOutbox, queueMails, MAX_MAIL_ATTEMPTS, SENT_RETENTION_MS, mailRetryDelayMs, type OutboxMail, type OutboxStatus, type OutgoingMail } from './outbox.js';
export { deliverDueMails, redactSmtp, smtpSender, type DeliveryReport, type MailSender } from './sender.js';
export { MAIL_JOB, startMailDelivery } from './job.js';
