"""The demo texts of the legal pages: what this Toto actually stores and why, read from its
models (accounts, messaging, payments, learning and voice tutor recordings, tutoring) and the
cookies it sets. An operator edits them in the admin; these are a truthful starting point,
not legal advice."""

TERMS = """
<h2>Who we are</h2>
<p>This Toto site is run by the organisation named in the site settings. Toto is open-source
language-learning software; the operator decides which features are on.</p>
<h2>Your account</h2>
<p>You need an account to learn, book teachers or use AI features. Keep your password and your
two-factor codes to yourself. You must be old enough to agree to these terms where you live.</p>
<h2>Credits and payments</h2>
<p>AI features cost credits. Credits you buy are recorded in a ledger that nobody edits: every
purchase, use, refund and adjustment by our team is a new line you can see in your wallet,
with its reason. Lessons with teachers are paid when you book; cancellations follow the
teacher's cancellation policy shown before you book.</p>
<h2>Teachers and vendors</h2>
<p>Teachers, schools and hosts are independent. They are paid out their earnings less our
commission. Reviews must be honest and about the lesson or stay.</p>
<h2>Acceptable use</h2>
<p>No harassment, spam or illegal content in chat, rooms or calls. Moderators may remove
content and suspend accounts; suspensions are recorded with their reason.</p>
<h2>Changes</h2>
<p>When these terms change in a way that needs your agreement, we raise their version and ask
you to accept them again before you continue.</p>
"""

PRIVACY = """
<h2>What we store and why</h2>
<ul>
<li><b>Account</b>: your email address, name and password (stored only as a hash), your
roles, and two-factor authentication secrets. To sign you in and keep your account safe.</li>
<li><b>Profile</b>: what you choose to add — photo, bio, city, country, native and learning
languages, time zone, interface language, and optionally phone, gender and date of birth
(phone and date of birth encrypted).
Only bio, city, country, status and native language are ever shown to other people.</li>
<li><b>Learning</b>: your lesson progress and exercise answers, and the recordings you make in
speaking exercises and with the voice tutor, with their transcripts and scores. To give you
feedback and show your progress. Recordings are private files served only to you.</li>
<li><b>Messages</b>: chat messages are encrypted in our database with keys we rotate;
attachments are private files. To deliver your conversations.</li>
<li><b>Lessons and classrooms</b>: bookings, times, notes you write, and reviews. Calls run
peer to peer. A classroom can be recorded only after everyone in it agreed; the recording
(audio), who agreed and when are kept as private files for the room's participants.</li>
<li><b>Study abroad</b>: your course and homestay bookings, dates, the details you give the
school or host, payments and reviews. To arrange your stay.</li>
<li><b>Schools and hosts</b>: the partner application (organisation, address, phone
(encrypted), website) and the identity and proof-of-address documents you upload, kept as
private files that only you and our verifiers can open. To check who lists on the site.</li>
<li><b>Guardians</b>: for a learner under the minimum age, the guardian's email address,
encrypted, to ask for and record their consent.</li>
<li><b>Social posts</b>: the posts, photos, comments, corrections and follows you publish,
shown to the audience you chose, and reports about them. To run the community.</li>
<li><b>Notifications</b>: your push subscriptions (the browser's or app's delivery address
and keys) and your notification preferences. To reach the devices you allowed.</li>
<li><b>Payments</b>: what you bought, amounts, invoices, refunds and the payment provider's
reference, and the billing country and tax ID you give us for invoices. Card details go to
Stripe or Razorpay directly and never reach our servers. We keep payment records as long as
tax law requires.</li>
<li><b>Teachers', schools' and hosts' payouts</b>: the bank account you give us (encrypted,
shown masked to our finance staff, every reveal logged), your payouts, and the tax documents
a payout provider needs. To pay your earnings and meet tax rules.</li>
<li><b>AI features</b>: the text or audio you send is processed by our own ML service, or by
the AI provider the operator configured; we keep the usage (feature, credits) for billing.</li>
<li><b>Security</b>: failed sign-ins to the admin, with the address they came from.</li>
</ul>
<h2>Email</h2>
<p>We email you about your account, bookings and payments. News and offers only if you
opted in (off unless you tick the box), and you can turn them off in your profile.</p>
<h2>Your rights</h2>
<p>Download all your data from your profile, or delete your account there. Payment records
we must keep are anonymised instead of deleted.</p>
"""

COOKIES = """
<p>Toto sets only cookies that the site needs to work, so it does not ask for consent:</p>
<ul>
<li><b>sessionid</b>: keeps you signed in (until you sign out or two weeks pass).</li>
<li><b>csrftoken</b>: protects forms against cross-site request forgery.</li>
<li><b>django_language</b>: the interface language you chose, if you chose one.</li>
<li><b>toto_ref</b>: a first-party functional cookie, set only when you follow a friend's
invite link and only on this site, for 30 days, so that the friend gets the referral credit
if you sign up on another day. It holds the invite code and nothing about you; it is not
used to track you, and you can delete it without losing anything but that credit.</li>
</ul>
<p>When you pay by card, Stripe's payment form may set its own cookies to prevent fraud.
There are no analytics, advertising or social-media cookies, and nothing is loaded from other
sites.</p>
"""
