{
 "objectClassName": "domain",
 "ldhName": "colon.com",
 "events": [
  {
   "eventAction": "registration",
   "eventDate": "2004-08-30T22:55:00+02:00"
  },
  {
   "eventAction": "expiration",
   "eventDate": "2019-08-30T12:00:00-05:30"
  },
  {
   "eventAction": "last changed",
   "eventDate": "2020-01-01T00:00:00.123456Z"
  }
 ],
 "entities": [
  {
   "objectClassName": "entity",
   "roles": [
    "registrar"
   ],
   "events": [
    {
     "eventAction": "registration",
     "eventDate": "1980-01-01T00:00:00Z"
    }
   ]
  }
 ]
}
